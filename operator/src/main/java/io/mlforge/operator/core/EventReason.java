package io.mlforge.operator.core;

/**
 * Every reason MLForge gives its Kubernetes Events, in one place (besides these, a phase change is recorded with the
 * new phase's name as its reason, Failed as a Warning). The reason is what `kubectl get events --field-selector
 * reason=...` and alerting rules match on, so the strings are part of the API.
 */
public enum EventReason {
    /** A training attempt's pods or SageMaker job were created. */
    ATTEMPT_CREATED("AttemptCreated"),
    /** A SageMaker training job created before an operator restart was found and adopted instead of created again. */
    ATTEMPT_ADOPTED("AttemptAdopted"),
    /** A training attempt failed (the job retries or fails). */
    ATTEMPT_FAILED("AttemptFailed"),
    /** A training attempt's pods cannot be created (quota, admission); retried. */
    CREATION_BLOCKED("CreationBlocked"),
    /** A training pod fits no node (the scheduler's message). */
    UNSCHEDULABLE("Unschedulable"),
    /** A finished in-cluster job's pods and Services were removed after ttlSecondsAfterFinished. */
    CLEANED_UP("CleanedUp"),
    /** A SageMaker request failed the operator's own checks before it was sent. */
    PREFLIGHT_FAILED("PreflightFailed"),
    /** SageMaker refused a create request (bad input, a quota, a permission); not retried. */
    CREATE_REJECTED("CreateRejected"),
    /** SageMaker no longer knows a job the status names; it is created again. */
    SAGEMAKER_JOB_MISSING("SageMakerJobMissing"),
    /** A SageMaker job was stopped outside the operator. */
    STOPPED_EXTERNALLY("StoppedExternally"),
    /** A SageMaker hyperparameter tuning job was created. */
    SAGEMAKER_TUNING_JOB_CREATED("SageMakerTuningJobCreated"),
    /** A SageMaker tuning job created before an operator restart was adopted. */
    SAGEMAKER_TUNING_JOB_ADOPTED("SageMakerTuningJobAdopted"),
    /** A search created a trial. */
    TRIAL_CREATED("TrialCreated"),
    /** The median rule stopped a trial that fell behind. */
    TRIAL_STOPPED_EARLY("TrialStoppedEarly"),
    /** A search has a new best trial. */
    BEST_TRIAL_IMPROVED("BestTrialImproved"),
    /** A multi-objective search's Pareto front gained a trial. */
    PARETO_FRONT_CHANGED("ParetoFrontChanged"),
    /** An Endpoint update started. */
    UPDATING("Updating"),
    /** An Endpoint now serves its spec. */
    UPDATED("Updated"),
    /** An Endpoint update failed; the previous version still serves. */
    UPDATE_FAILED("UpdateFailed"),
    /** A SageMaker endpoint changed or deleted outside MLForge was put back. */
    DRIFT_REPAIRED("DriftRepaired"),
    /** Autoscaling targets were registered for an Endpoint's variants. */
    AUTOSCALING_APPLIED("AutoscalingApplied"),
    /** A variant removed from an in-cluster Endpoint's spec was deleted. */
    VARIANT_REMOVED("VariantRemoved"),
    /** AWS throttled the operator's calls (or its own client-side limit did); it backs off. */
    THROTTLED("Throttled"),
    /** An AWS call failed otherwise; retried. */
    BACKEND_ERROR("BackendError"),
    /** Deletion waits for SageMaker to stop a job. */
    STOPPING("Stopping"),
    /** Deletion waits for SageMaker to delete an endpoint. */
    DELETING("Deleting"),
    /** What the resource made was deleted or released; the resource goes. */
    DELETED("Deleted");

    private final String reason;

    EventReason(String reason) {
        this.reason = reason;
    }

    /** The Event's reason as Kubernetes shows it. */
    public String reason() {
        return reason;
    }
}
