package io.mlforge.operator.tuning;

import io.mlforge.api.v1alpha1.TrialPhase;
import java.util.List;
import java.util.Map;

/**
 * A trial as the planner sees it, read from its TrainingJob: index, tuned parameters, outcome, the objective (latest
 * value of the objective metric, in the user's direction) and its curve (objective values per step so far), and
 * for Hyperband its round, bracket and rung; in a multi-objective search the latest value of every objective metric, in
 * the spec's order (null if one has not been reported), the first of them also being {@code objective}.
 */
public record Trial(
        int index,
        String name,
        Map<String, String> parameters,
        TrialPhase phase,
        Double objective,
        List<Double> curve,
        String reason,
        String startTime,
        String completionTime,
        int[] hyperband,
        List<Double> objectives) {
    public boolean active() {
        return phase == TrialPhase.Pending || phase == TrialPhase.Running;
    }
}
