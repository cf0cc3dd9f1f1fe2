package io.mlforge.api.v1alpha1;

/** Lifecycle phase of a TuningJob. */
public enum TuningPhase {
    Pending,
    Running,
    Completed,
    Failed,
    Stopping,
    Stopped
}
