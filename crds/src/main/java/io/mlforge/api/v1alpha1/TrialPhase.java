package io.mlforge.api.v1alpha1;

/** Outcome of one trial of a TuningJob. */
public enum TrialPhase {
    Pending,
    Running,
    Succeeded,
    Failed,
    StoppedEarly,
    Stopped
}
