package io.mlforge.operator.training;

import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.operator.core.Conditions;
import java.time.Instant;

/** Keeps phase, message and the phase-derived conditions (Ready, Running, Succeeded, Failed) of a TrainingJob consistent. */
public final class TrainingStatus {
    private TrainingStatus() {}

    public static void phase(
            TrainingJobStatus status,
            TrainingPhase phase,
            String reason,
            String message,
            Long generation,
            Instant now) {
        status.phase = phase;
        status.message = message;
        boolean completed = phase == TrainingPhase.Completed;
        status.conditions = Conditions.set(
                status.conditions,
                Condition.READY,
                completed ? ConditionStatus.True : ConditionStatus.False,
                reason,
                message,
                generation,
                now);
        status.conditions = Conditions.set(
                status.conditions,
                TrainingJobStatus.RUNNING,
                phase == TrainingPhase.Running ? ConditionStatus.True : ConditionStatus.False,
                reason,
                message,
                generation,
                now);
        if (completed) {
            status.conditions = Conditions.set(
                    status.conditions,
                    TrainingJobStatus.SUCCEEDED,
                    ConditionStatus.True,
                    reason,
                    message,
                    generation,
                    now);
        }
        if (phase == TrainingPhase.Failed) {
            status.conditions = Conditions.set(
                    status.conditions,
                    TrainingJobStatus.FAILED,
                    ConditionStatus.True,
                    reason,
                    message,
                    generation,
                    now);
        }
    }
}
