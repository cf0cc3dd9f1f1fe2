package io.mlforge.operator.tuning.optimizer;

import java.util.Map;

/** A finished trial as the optimizer sees it: its parameter values and its objective, always to be minimised. */
public record Observation(Map<String, String> parameters, double value) {}
