package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Number of trials by outcome. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrialCounts {
    @JsonPropertyDescription("Trials created so far.")
    public Integer total;

    @JsonPropertyDescription("Trials pending or running.")
    public Integer running;

    @JsonPropertyDescription("Trials that completed with an objective value.")
    public Integer succeeded;

    @JsonPropertyDescription("Trials that failed.")
    public Integer failed;

    @JsonPropertyDescription("Trials stopped by early stopping or Hyperband.")
    public Integer stoppedEarly;

    @JsonPropertyDescription("Trials stopped because the search was stopped or ended.")
    public Integer stopped;
}
