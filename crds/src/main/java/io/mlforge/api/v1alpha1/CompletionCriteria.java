package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Conditions that end the search before maxTrials. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CompletionCriteria {
    @JsonPropertyDescription(
            "Stop once a trial's objective reaches this value (at or below it when minimizing, at or above when maximizing).")
    public Double targetObjectiveValue;

    @Min(3)
    @Max(10000)
    @JsonPropertyDescription("Stop when this many trials in a row have not improved on the best objective.")
    public Integer maxTrialsWithoutImprovement;

    @JsonPropertyDescription("Stop when the optimizer detects that further trials are unlikely to improve the result.")
    public Boolean stopOnConvergence;
}
