package io.mlforge.operator.tuning;

import io.mlforge.api.v1alpha1.TuningJobSpec;
import io.mlforge.api.v1alpha1.TuningStrategy;
import io.mlforge.operator.tuning.optimizer.BayesianSuggester;
import io.mlforge.operator.tuning.optimizer.GridSuggester;
import io.mlforge.operator.tuning.optimizer.ParEgoSuggester;
import io.mlforge.operator.tuning.optimizer.RandomSuggester;
import io.mlforge.operator.tuning.optimizer.SearchSpace;
import io.mlforge.operator.tuning.optimizer.Suggester;

/**
 * The strategy's suggester for a spec (Hyperband draws its new configurations at random; Bayesian with several objectives
 * is ParEGO).
 */
public final class SuggesterFactory {
    private SuggesterFactory() {}

    public static Suggester of(TuningJobSpec spec, SearchSpace space) {
        TuningStrategy strategy = spec.strategy == null ? TuningStrategy.Bayesian : spec.strategy;
        return switch (strategy) {
            case Grid -> new GridSuggester(space);
            case Random ->
                new RandomSuggester(space, spec.random != null && Boolean.TRUE.equals(spec.random.quasiRandom));
            case Hyperband -> new RandomSuggester(space, false);
            default ->
                TuningPlanner.multiObjective(spec)
                        ? new ParEgoSuggester(space, spec.bayesian == null ? null : spec.bayesian.initialTrials)
                        : new BayesianSuggester(space, spec.bayesian == null ? null : spec.bayesian.initialTrials);
        };
    }
}
