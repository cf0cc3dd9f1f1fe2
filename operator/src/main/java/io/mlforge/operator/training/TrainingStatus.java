package io.mlforge.operator.training;

import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.operator.core.JobConditions;
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
        status.conditions = JobConditions.forPhase(
                status.conditions,
                phase == TrainingPhase.Completed,
                phase == TrainingPhase.Running,
                phase == TrainingPhase.Failed,
                reason,
                message,
                generation,
                now);
    }
}
