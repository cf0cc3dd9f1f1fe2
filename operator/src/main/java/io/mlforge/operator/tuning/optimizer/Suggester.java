package io.mlforge.operator.tuning.optimizer;

import java.util.List;
import java.util.Map;

/** Chooses the parameter values of the next trials. Implementations are pure and deterministic given the request. */
public interface Suggester {
    /** Up to {@code request.count()} new configurations (fewer when the space is exhausted, e.g. a finished grid). */
    List<Map<String, String>> suggest(SuggestionRequest request);
}
