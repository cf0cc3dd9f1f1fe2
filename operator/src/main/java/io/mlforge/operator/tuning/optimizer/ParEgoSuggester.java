package io.mlforge.operator.tuning.optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Multi-objective Bayesian optimisation by ParEGO (Knowles 2006): for each suggestion, a random weight vector from the
 * simplex turns the objectives, each normalised to [0, 1] over the trials seen, into one augmented Chebyshev
 * scalarisation, max_i(w_i f_i) + 0.05 Σ w_i f_i, which the single-objective {@link BayesianSuggester} (its Gaussian
 * process and expected improvement) then minimises. Every Pareto-optimal trade-off is the minimum of some weighting, so
 * over many suggestions the search spreads along the whole front rather than converging on one compromise.
 */
public final class ParEgoSuggester implements Suggester {
    static final double AUGMENTATION = 0.05;

    private final BayesianSuggester scalar;

    public ParEgoSuggester(SearchSpace space, Integer initialTrials) {
        // no restarts: the scalarised objective changes with every suggestion's weights, so it never settles
        this.scalar = new BayesianSuggester(space, initialTrials, false);
    }

    @Override
    public List<Map<String, String>> suggest(SuggestionRequest request) {
        List<Map<String, String>> result = new ArrayList<>();
        List<Map<String, String>> pending = new ArrayList<>(request.pending());
        for (int k = 0; k < request.count(); k++) {
            long index = request.firstIndex() + k;
            double[] weights = weights(objectives(request.completed()), request.seed(), index);
            List<Observation> scalarised = scalarise(request.completed(), weights);
            List<Map<String, String>> next =
                    scalar.suggest(new SuggestionRequest(scalarised, List.copyOf(pending), 1, request.seed(), index));
            if (next.isEmpty()) {
                break;
            }
            pending.add(next.get(0));
            result.add(next.get(0));
        }
        return result;
    }

    private static int objectives(List<Observation> completed) {
        return completed.stream()
                .filter(o -> o.objectives() != null)
                .mapToInt(o -> o.objectives().size())
                .findFirst()
                .orElse(1);
    }

    /** Uniform on the simplex (normalised exponentials), one draw per (seed, trial index). */
    static double[] weights(int objectives, long seed, long index) {
        SplittableRandom random = QuasiRandom.stream(seed ^ 0x9A3E60L, index);
        double[] w = new double[objectives];
        double sum = 0;
        for (int i = 0; i < objectives; i++) {
            w[i] = -Math.log(1 - random.nextDouble());
            sum += w[i];
        }
        for (int i = 0; i < objectives; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** Each observation's objectives normalised to [0, 1] over all observations, then scalarised with the weights. */
    static List<Observation> scalarise(List<Observation> completed, double[] weights) {
        int m = weights.length;
        double[] min = new double[m];
        double[] max = new double[m];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (Observation o : completed) {
            for (int i = 0; i < m; i++) {
                double v = value(o, i);
                min[i] = Math.min(min[i], v);
                max[i] = Math.max(max[i], v);
            }
        }
        List<Observation> result = new ArrayList<>(completed.size());
        for (Observation o : completed) {
            double worst = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int i = 0; i < m; i++) {
                double range = max[i] - min[i];
                double f = range > 0 ? (value(o, i) - min[i]) / range : 0;
                worst = Math.max(worst, weights[i] * f);
                sum += weights[i] * f;
            }
            result.add(new Observation(o.parameters(), worst + AUGMENTATION * sum));
        }
        return result;
    }

    private static double value(Observation o, int i) {
        return o.objectives() == null ? o.value() : o.objectives().get(i);
    }
}
