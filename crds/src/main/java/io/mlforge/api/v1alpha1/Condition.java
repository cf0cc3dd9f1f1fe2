package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One aspect of a resource's state, following the Kubernetes API conventions (the shape of metav1.Condition).
 * Every MLForge status carries a {@code Ready} condition plus kind-specific ones.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {
    /** Every kind: the resource has reached the state its spec asks for (trained, searched, serving). */
    public static final String READY = "Ready";
    /** Every kind that calls AWS: the operator is backing off after SageMaker throttled it. */
    public static final String THROTTLED = "Throttled";
    /** Every kind that calls AWS: True while calls fail otherwise (HTTP 5xx, unreachable, expired credentials); retried. */
    public static final String BACKEND_ERROR = "BackendError";
    /**
     * Every kind, for kstatus (Flux, kpt, cli-utils): True while the resource is still working toward what its spec
     * asks for (a job not yet finished, an endpoint being created or updated).
     */
    public static final String RECONCILING = "Reconciling";
    /** Every kind, for kstatus: True when the resource cannot reach its goal without a change (failed, or a failed endpoint update). */
    public static final String STALLED = "Stalled";
    /** TrainingJob and TuningJob: True while the job runs. */
    public static final String RUNNING = "Running";
    /** TrainingJob and TuningJob: True once the job completed (False again when a new run starts). */
    public static final String SUCCEEDED = "Succeeded";
    /** TrainingJob and TuningJob: True once the job failed (False again when a new run starts). */
    public static final String FAILED = "Failed";

    @Required
    @Size(max = 316)
    @Pattern(
            "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")
    @JsonPropertyDescription(
            "Type of condition in CamelCase, e.g. Ready, Running, Succeeded, Failed, Throttled, UpdateFailed.")
    public String type;

    @Required
    @JsonPropertyDescription("Status of the condition: True, False or Unknown.")
    public ConditionStatus status;

    @Min(0)
    @JsonPropertyDescription(
            "The metadata.generation of the resource this condition was set for; older than the resource's generation means it may be out of date.")
    public Long observedGeneration;

    @Required
    @JsonPropertyDescription(
            "When the condition last changed status (RFC 3339). Not moved when only reason or message change.")
    public String lastTransitionTime;

    @Required
    @Size(min = 1, max = 1024)
    @Pattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")
    @JsonPropertyDescription(
            "Machine-readable CamelCase reason for the condition's last transition, e.g. ImagePullBackOff, SpotInterrupted.")
    public String reason;

    @Required
    @Size(max = 32768)
    @JsonPropertyDescription("Human-readable details about the transition; may be empty.")
    public String message;

    public Condition() {}

    public Condition(
            String type,
            ConditionStatus status,
            String reason,
            String message,
            String lastTransitionTime,
            Long observedGeneration) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
        this.lastTransitionTime = lastTransitionTime;
        this.observedGeneration = observedGeneration;
    }
}
