package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What SageMaker last reported for the tuning job (backend SageMaker). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SageMakerTuningStatus {
    @JsonPropertyDescription("SageMaker hyperparameter tuning job name (at most 32 characters).")
    public String tuningJobName;

    @JsonPropertyDescription("ARN of the tuning job.")
    public String tuningJobArn;

    @JsonPropertyDescription("Region of the tuning job.")
    public String region;

    @JsonPropertyDescription("HyperParameterTuningJobStatus: InProgress, Completed, Failed, Stopping or Stopped.")
    public String tuningJobStatus;

    @JsonPropertyDescription("SageMaker's FailureReason, when the tuning job failed.")
    public String failureReason;
}
