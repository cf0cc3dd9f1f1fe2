package io.mlforge.api.v1alpha1;

/** What happens to the cloud resources an Endpoint created when the Endpoint is deleted. */
public enum ResourceDeletionPolicy {
    /** Delete the SageMaker endpoint, its endpoint configs and models. */
    Delete,
    /** Leave them in SageMaker (they keep serving and costing money). */
    Retain
}
