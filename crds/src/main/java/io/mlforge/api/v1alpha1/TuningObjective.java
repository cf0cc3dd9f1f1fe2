package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** What the search optimises. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TuningObjective {
    public enum Direction {
        Minimize,
        Maximize
    }

    @Required
    @Size(min = 1, max = 255)
    @JsonPropertyDescription(
            "Name of a metric defined in trainingJobTemplate.spec.metrics; a trial's objective is its latest value.")
    public String metricName;

    @Required
    @JsonPropertyDescription("Minimize or Maximize.")
    public Direction type;
}
