package io.mlforge.operator.tuning;

import io.mlforge.api.v1alpha1.TrialPhase;
import java.util.List;
import java.util.Map;

/**
 * A trial as the planner sees it, read from its TrainingJob: index, tuned parameters, outcome, the objective (latest
 * value of the objective metric, in the user's direction) and its curve (objective values per step so far), and
 * for Hyperband its round, bracket and rung.
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
        int[] hyperband) {
    public boolean active() {
        return phase == TrialPhase.Pending || phase == TrialPhase.Running;
    }
}
