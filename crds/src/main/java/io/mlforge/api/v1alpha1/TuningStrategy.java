package io.mlforge.api.v1alpha1;

/** How trials are chosen. */
public enum TuningStrategy {
    /** Independent draws (optionally quasi-random Sobol points). */
    Random,
    /** Every combination of Integer and Categorical values. */
    Grid,
    /** A Gaussian-process model of finished trials picks the most promising next ones. */
    Bayesian,
    /** Many short trials, the best promoted to longer budgets of a resource parameter (e.g. epochs). */
    Hyperband
}
