package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Observed state of an Endpoint. Condition types: Ready, Updating, UpdateFailed (True after a failed or rolled-back
 * update until a later update succeeds: the previous version keeps serving), ModelResolved, Throttled.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription(
        "Observed state of the Endpoint: phase, conditions, where to send requests, per-variant weights and instances, and the last failed update.")
public class EndpointStatus {
    public static final String UPDATING = "Updating";
    public static final String UPDATE_FAILED = "UpdateFailed";
    public static final String MODEL_RESOLVED = "ModelResolved";

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Creating, InService, Updating, RollingBack, Failed or Deleting.")
    public EndpointPhase phase;

    @JsonPropertyDescription(
            "Conditions: Ready, Updating, UpdateFailed, ModelResolved, Throttled, BackendError, and Reconciling / Stalled for kstatus (Flux), each present only while True.")
    public List<Condition> conditions;

    @JsonPropertyDescription("Human-readable summary of the current state.")
    public String message;

    @JsonPropertyDescription(
            "Where to send requests: the in-cluster URL (http://<service>.<namespace>.svc:<port>/invocations) or the SageMaker runtime URL.")
    public String url;

    @JsonPropertyDescription("Ready variants out of all, e.g. 2/2.")
    public String readyVariants;

    @JsonPropertyDescription("Per-variant weights and instances.")
    public List<VariantStatus> variants;

    @JsonPropertyDescription("Model data resolved from TrainingJob or TuningJob references.")
    public List<ResolvedModel> resolvedModels;

    @JsonPropertyDescription("Hash of the serving-relevant spec now in service.")
    public String servingSpecHash;

    @JsonPropertyDescription("The last failed or rolled-back update; cleared when an update succeeds.")
    public FailedUpdate failedUpdate;

    @JsonPropertyDescription("When the last update finished (RFC 3339).")
    public String lastUpdateTime;

    @JsonPropertyDescription("The SageMaker resources in use (backend SageMaker).")
    public SageMakerEndpointStatus sagemaker;
}
