package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** Observed state of a TrainingJob. Condition types: Ready, Running, Succeeded, Failed, Suspended, Unschedulable, Queued, Throttled. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription(
        "Observed state of the TrainingJob: phase, conditions, attempts, metrics, artifacts and where to read the logs.")
public class TrainingJobStatus {
    public static final String RUNNING = Condition.RUNNING;
    public static final String SUCCEEDED = Condition.SUCCEEDED;
    public static final String FAILED = Condition.FAILED;
    public static final String SUSPENDED = "Suspended";
    public static final String UNSCHEDULABLE = "Unschedulable";
    /** True while the current attempt waits for Kueue to admit it (reason and message from Kueue's Workload). */
    public static final String QUEUED = "Queued";
    /** False when a metric definition cannot be applied to the trainer's log. */
    public static final String METRICS_PARSED = "MetricsParsed";

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription(
            "Lifecycle phase: Pending, Queued (waiting for Kueue to admit the pods), Starting, Running, Completed, Failed, Stopping, Stopped or Suspended.")
    public TrainingPhase phase;

    @JsonPropertyDescription(
            "Conditions: Ready, Running, Succeeded, Failed, Suspended, Unschedulable, Queued (Kueue admission), Throttled, BackendError, MetricsParsed, and Reconciling / Stalled for kstatus (Flux), each present only while True.")
    public List<Condition> conditions;

    @JsonPropertyDescription("Human-readable summary of the current state.")
    public String message;

    @JsonPropertyDescription("Number of the current attempt.")
    public Integer attempt;

    @JsonPropertyDescription("Every attempt so far, oldest first.")
    public List<TrainingAttempt> attempts;

    @JsonPropertyDescription("The restartNonce the current run was started for.")
    public Long observedRestartNonce;

    @JsonPropertyDescription("Latest value of each metric in spec.metrics.")
    public Map<String, Double> metrics;

    @JsonPropertyDescription("Recent values of each metric (bounded), for learning curves and early stopping.")
    public List<MetricSeries> metricHistory;

    @JsonPropertyDescription("URI of the trained model, e.g. s3://bucket/models/<attempt name>/output/model.tar.gz.")
    public String modelArtifacts;

    @JsonPropertyDescription("When the first attempt started (RFC 3339).")
    public String startTime;

    @JsonPropertyDescription("When the job finished (RFC 3339).")
    public String completionTime;

    @JsonPropertyDescription("Seconds spent training, all attempts together.")
    public Long trainingSeconds;

    @JsonPropertyDescription("Seconds billed (SageMaker; lower than trainingSeconds with spot).")
    public Long billableSeconds;

    @JsonPropertyDescription("Saving from spot capacity in percent: 100 * (1 - billableSeconds / trainingSeconds).")
    public Double spotSavingsPercent;

    @JsonPropertyDescription("Where to read the logs of the current attempt.")
    public LogsPointer logs;

    @JsonPropertyDescription("SageMaker's view of the current attempt (backend SageMaker).")
    public SageMakerTrainingStatus sagemaker;
}
