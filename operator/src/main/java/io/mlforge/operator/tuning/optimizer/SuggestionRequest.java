package io.mlforge.operator.tuning.optimizer;

import java.util.List;
import java.util.Map;

/**
 * What a suggestion depends on, and nothing else (so it is reproducible): the finished trials (objective to be
 * minimised), the trials still running, how many new configurations are wanted, the search's random seed and the
 * index of the first new trial (quasi-random draws and random streams are keyed by trial index).
 */
public record SuggestionRequest(
        List<Observation> completed, List<Map<String, String>> pending, int count, long seed, long firstIndex) {}
