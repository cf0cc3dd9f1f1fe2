package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/** One trial of a TuningJob as shown in its status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrialSummary {
    @JsonPropertyDescription("Trial index, from 0, in the order trials were created.")
    public Integer index;

    @JsonPropertyDescription(
            "Name of the trial's TrainingJob (<tuning job>-<3-digit index>-<hash>), or of the SageMaker training job with backend SageMaker.")
    public String name;

    @JsonPropertyDescription("Pending, Running, Succeeded, Failed, StoppedEarly or Stopped.")
    public TrialPhase phase;

    @JsonPropertyDescription("The tuned parameter values of the trial.")
    public Map<String, String> parameters;

    @JsonPropertyDescription(
            "The trial's objective value (the latest value of the objective metric; the first objective's in a multi-objective search).")
    public Double objectiveValue;

    @JsonPropertyDescription("Multi-objective searches: the latest value of each objective metric, by metric name.")
    public Map<String, Double> objectiveValues;

    @JsonPropertyDescription("Why the trial ended as it did, e.g. MedianRule, HyperbandRung, Error.")
    public String reason;

    @JsonPropertyDescription("When the trial started (RFC 3339).")
    public String startTime;

    @JsonPropertyDescription("When the trial ended (RFC 3339).")
    public String completionTime;
}
