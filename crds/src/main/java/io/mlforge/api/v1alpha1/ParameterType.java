package io.mlforge.api.v1alpha1;

/** Kind of a tuned hyperparameter. */
public enum ParameterType {
    /** Whole numbers between min and max, both included. */
    Integer,
    /** Real numbers between min and max. */
    Continuous,
    /** One of a list of values. */
    Categorical
}
