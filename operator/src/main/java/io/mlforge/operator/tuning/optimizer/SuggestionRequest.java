package io.mlforge.operator.tuning.optimizer;

import java.util.List;
import java.util.Map;

/**
 * What a suggestion depends on, and nothing else (so it is reproducible): the finished trials (objective to be
 * minimised), the trials still running, how many new configurations are wanted, the search's random seed, the
 * index of the first new trial (quasi-random draws and random streams are keyed by trial index) and how many of the
 * finished trials, at the start of the list, come from elsewhere (warm start).
 */
public record SuggestionRequest(
        List<Observation> completed,
        List<Map<String, String>> pending,
        int count,
        long seed,
        long firstIndex,
        int prior) {
    /** A request without warm-start observations. */
    public SuggestionRequest(
            List<Observation> completed, List<Map<String, String>> pending, int count, long seed, long firstIndex) {
        this(completed, pending, count, seed, firstIndex, 0);
    }
}
