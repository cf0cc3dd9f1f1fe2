package io.mlforge.operator.tuning.optimizer;

import java.util.List;
import java.util.Map;

/**
 * A finished trial as the optimizer sees it: its parameter values and its objective, always to be minimised; in a
 * multi-objective search also every objective, each to be minimised ({@code value} is then the first of them).
 */
public record Observation(Map<String, String> parameters, double value, List<Double> objectives) {
    /** A trial of a single-objective search. */
    public Observation(Map<String, String> parameters, double value) {
        this(parameters, value, null);
    }
}
