package io.mlforge.operator.tuning.optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Random search: trial i gets the i-th point of a shifted Sobol sequence (quasiRandom) or an independent uniform draw. */
public final class RandomSuggester implements Suggester {
    private final SearchSpace space;
    private final boolean quasiRandom;

    public RandomSuggester(SearchSpace space, boolean quasiRandom) {
        this.space = space;
        this.quasiRandom = quasiRandom;
    }

    @Override
    public List<Map<String, String>> suggest(SuggestionRequest request) {
        List<Map<String, String>> result = new ArrayList<>();
        for (int k = 0; k < request.count(); k++) {
            long index = request.firstIndex() + k;
            result.add(space.decode(
                    quasiRandom
                            ? QuasiRandom.sobol(space.size(), request.seed(), index)
                            : QuasiRandom.uniform(space.size(), request.seed(), index)));
        }
        return result;
    }
}
