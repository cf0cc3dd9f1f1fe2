package io.mlforge.api.v1alpha1;

/** Lifecycle phase of an Endpoint. */
public enum EndpointPhase {
    Creating,
    InService,
    Updating,
    RollingBack,
    Failed,
    Deleting
}
