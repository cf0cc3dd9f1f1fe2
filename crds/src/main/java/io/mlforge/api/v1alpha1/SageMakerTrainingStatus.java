package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What SageMaker last reported for the current attempt. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SageMakerTrainingStatus {
    @JsonPropertyDescription("SageMaker training job name of the current attempt.")
    public String trainingJobName;

    @JsonPropertyDescription("ARN of that job.")
    public String trainingJobArn;

    @JsonPropertyDescription("Region the job runs in.")
    public String region;

    @JsonPropertyDescription("TrainingJobStatus: InProgress, Completed, Failed, Stopping or Stopped.")
    public String trainingJobStatus;

    @JsonPropertyDescription(
            "SecondaryStatus, e.g. Starting, Downloading, Training, Uploading, Interrupted, MaxRuntimeExceeded.")
    public String secondaryStatus;

    @JsonPropertyDescription("Latest message of SageMaker's secondary status transitions.")
    public String secondaryStatusMessage;

    @JsonPropertyDescription("SageMaker's FailureReason, when the job failed.")
    public String failureReason;
}
