package io.mlforge.operator.tuning.optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Grid search: trial i runs the i-th combination of all Integer and Categorical values (last parameter fastest). */
public final class GridSuggester implements Suggester {
    private final SearchSpace space;
    private final long size;

    public GridSuggester(SearchSpace space) {
        this.space = space;
        this.size = space.gridSize();
        if (size < 0) {
            throw new IllegalArgumentException("grid search needs Integer and Categorical parameters only");
        }
    }

    /** Number of combinations. */
    public long size() {
        return size;
    }

    @Override
    public List<Map<String, String>> suggest(SuggestionRequest request) {
        List<Map<String, String>> result = new ArrayList<>();
        for (long i = request.firstIndex(); i < Math.min(size, request.firstIndex() + request.count()); i++) {
            result.add(space.gridPoint(i));
        }
        return result;
    }
}
