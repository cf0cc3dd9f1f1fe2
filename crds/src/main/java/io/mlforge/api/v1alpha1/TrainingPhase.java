package io.mlforge.api.v1alpha1;

/** Lifecycle phase of a TrainingJob. */
public enum TrainingPhase {
    Pending,
    Starting,
    Running,
    Completed,
    Failed,
    Stopping,
    Stopped,
    Suspended
}
