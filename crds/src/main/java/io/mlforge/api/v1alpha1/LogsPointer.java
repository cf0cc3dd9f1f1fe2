package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where to read a job's logs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LogsPointer {
    @JsonPropertyDescription("A command that prints the logs of the current attempt, e.g. kubectl logs -n ns pod-name.")
    public String command;

    @JsonPropertyDescription("CloudWatch Logs group of a SageMaker job, /aws/sagemaker/TrainingJobs.")
    public String cloudWatchLogGroup;

    @JsonPropertyDescription("CloudWatch Logs stream prefix of a SageMaker job (its job name).")
    public String cloudWatchLogStreamPrefix;

    @JsonPropertyDescription("AWS console URL of the logs.")
    public String consoleUrl;
}
