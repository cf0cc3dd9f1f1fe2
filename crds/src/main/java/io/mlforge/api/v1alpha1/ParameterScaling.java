package io.mlforge.api.v1alpha1;

/** How a numeric range is searched (SageMaker's ScalingType semantics). */
public enum ParameterScaling {
    /** Chosen by the optimizer (linear unless the range spans orders of magnitude). */
    Auto,
    /** Uniform over [min, max]. */
    Linear,
    /** Uniform over [log min, log max]; needs min &gt; 0. */
    Logarithmic,
    /** Dense near 1: uniform over log(1 - x); Continuous ranges within [0, 1) only. */
    ReverseLogarithmic
}
