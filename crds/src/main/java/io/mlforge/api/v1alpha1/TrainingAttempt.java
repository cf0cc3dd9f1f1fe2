package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One attempt of a TrainingJob: a pod group in the cluster, or one SageMaker training job. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingAttempt {
    @JsonPropertyDescription("Attempt number, from 1.")
    public Integer number;

    @JsonPropertyDescription(
            "Name of the attempt on its backend: the pod-name prefix in the cluster, or the SageMaker training job name. Written before the attempt is created, so a restarted operator finds it instead of creating a second one.")
    public String backendName;

    @JsonPropertyDescription(
            "Why the attempt started: Created (first run), Retry (after a retryable failure), Resumed (after suspend) or Restarted (new restartNonce).")
    public String cause;

    @JsonPropertyDescription("Phase of this attempt.")
    public TrainingPhase phase;

    @JsonPropertyDescription(
            "Why the attempt ended, e.g. Completed, SpotInterrupted, Evicted, OOMKilled, Error, MaxRuntimeExceeded.")
    public String reason;

    @JsonPropertyDescription("Details: termination message of the trainer or SageMaker's FailureReason.")
    public String message;

    @JsonPropertyDescription("Exit code of the training container (backend Kubernetes).")
    public Integer exitCode;

    @JsonPropertyDescription("When the attempt was created (RFC 3339).")
    public String startTime;

    @JsonPropertyDescription("When the attempt ended (RFC 3339).")
    public String completionTime;
}
