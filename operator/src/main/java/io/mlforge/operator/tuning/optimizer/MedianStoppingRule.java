package io.mlforge.operator.tuning.optimizer;

import java.util.Arrays;
import java.util.List;

/**
 * The median stopping rule (Golovin et al., "Google Vizier", KDD 2017), SageMaker's automatic early stopping: a
 * running trial is stopped at step s if its best objective so far is worse than the median of the completed trials'
 * running averages up to step s. It applies once at least {@value #MIN_COMPLETED} trials have completed and the trial
 * has reported at least {@code warmupSteps} values. Curves are objective values per reported step, lower is better.
 * (A real median: Katib's "median" rule averages instead.)
 */
public final class MedianStoppingRule {
    public static final int MIN_COMPLETED = 3;
    private final int warmupSteps;

    public MedianStoppingRule(int warmupSteps) {
        this.warmupSteps = warmupSteps;
    }

    /** Whether to stop a running trial whose curve so far is {@code running}, given the completed trials' curves. */
    public boolean shouldStop(List<Double> running, List<List<Double>> completed) {
        int s = running.size();
        List<List<Double>> usable = completed.stream().filter(c -> !c.isEmpty()).toList();
        if (usable.size() < MIN_COMPLETED || s < warmupSteps) {
            return false;
        }
        double best = running.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        return best
                > median(usable.stream().mapToDouble(c -> runningAverage(c, s)).toArray());
    }

    /** Mean of the first {@code steps} values (all of them if the curve is shorter). */
    static double runningAverage(List<Double> curve, int steps) {
        return curve.subList(0, Math.min(steps, curve.size())).stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElseThrow();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
