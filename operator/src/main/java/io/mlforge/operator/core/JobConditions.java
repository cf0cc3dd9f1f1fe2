package io.mlforge.operator.core;

import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import java.time.Instant;
import java.util.List;

/**
 * The conditions that follow a job's phase, the same for TrainingJobs and TuningJobs (the condition types are
 * spelled identically in both statuses): Ready and Succeeded once it completed, Running while it runs, Failed once it
 * failed. Succeeded and Failed are only ever set True here; a new run turns them False.
 */
public final class JobConditions {
    private JobConditions() {}

    public static List<Condition> forPhase(
            List<Condition> conditions,
            boolean completed,
            boolean running,
            boolean failed,
            String reason,
            String message,
            Long generation,
            Instant now) {
        List<Condition> result =
                Conditions.set(conditions, Condition.READY, status(completed), reason, message, generation, now);
        result = Conditions.set(result, Condition.RUNNING, status(running), reason, message, generation, now);
        if (completed) {
            result =
                    Conditions.set(result, Condition.SUCCEEDED, ConditionStatus.True, reason, message, generation, now);
        }
        if (failed) {
            result = Conditions.set(result, Condition.FAILED, ConditionStatus.True, reason, message, generation, now);
        }
        return result;
    }

    private static ConditionStatus status(boolean value) {
        return value ? ConditionStatus.True : ConditionStatus.False;
    }
}
