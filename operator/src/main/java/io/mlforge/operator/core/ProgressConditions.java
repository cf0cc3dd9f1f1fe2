package io.mlforge.operator.core;

import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningPhase;
import java.time.Instant;
import java.util.List;

/**
 * The {@code Reconciling} and {@code Stalled} conditions that kstatus (Flux, kpt, cli-utils) reads to tell
 * InProgress from Current and Failed on resources it knows nothing else about, derived from the phase every status
 * already has; each is present only while it is True. Pure: applied by {@link StatusWriter} to every status it
 * writes, so all kinds and backends agree.
 */
public final class ProgressConditions {
    private ProgressConditions() {}

    /** Sets both conditions on a TrainingJob, TuningJob or Endpoint status; other objects are left alone. */
    public static void apply(Object status, Instant now) {
        if (status instanceof TrainingJobStatus s && s.phase != null) {
            boolean finished = s.phase == TrainingPhase.Completed
                    || s.phase == TrainingPhase.Stopped
                    || s.phase == TrainingPhase.Failed;
            s.conditions = set(
                    s.conditions,
                    !finished,
                    s.phase == TrainingPhase.Failed,
                    s.phase.name(),
                    s.message,
                    s.observedGeneration,
                    now);
        } else if (status instanceof TuningJobStatus s && s.phase != null) {
            boolean finished =
                    s.phase == TuningPhase.Completed || s.phase == TuningPhase.Stopped || s.phase == TuningPhase.Failed;
            s.conditions = set(
                    s.conditions,
                    !finished,
                    s.phase == TuningPhase.Failed,
                    s.phase.name(),
                    s.message,
                    s.observedGeneration,
                    now);
        } else if (status instanceof EndpointStatus s && s.phase != null) {
            boolean updateFailed = Conditions.isTrue(s.conditions, EndpointStatus.UPDATE_FAILED);
            boolean working = s.phase != EndpointPhase.InService && s.phase != EndpointPhase.Failed;
            boolean stalled = s.phase == EndpointPhase.Failed || updateFailed;
            String reason = updateFailed && !working ? EndpointStatus.UPDATE_FAILED : s.phase.name();
            s.conditions = set(s.conditions, working, stalled, reason, s.message, s.observedGeneration, now);
        }
    }

    private static List<Condition> set(
            List<Condition> conditions,
            boolean reconciling,
            boolean stalled,
            String reason,
            String message,
            Long generation,
            Instant now) {
        List<Condition> result =
                presentWhileTrue(conditions, Condition.RECONCILING, reconciling, reason, message, generation, now);
        return presentWhileTrue(result, Condition.STALLED, stalled, reason, message, generation, now);
    }

    /**
     * Both conditions are abnormal-true: kstatus reads a missing one as False, and Flux's own controllers delete them
     * rather than set them False. So they are there only while True, which keeps every status write two conditions
     * smaller on the happy path.
     */
    private static List<Condition> presentWhileTrue(
            List<Condition> conditions,
            String type,
            boolean value,
            String reason,
            String message,
            Long generation,
            Instant now) {
        return value
                ? Conditions.set(conditions, type, ConditionStatus.True, reason, message, generation, now)
                : Conditions.remove(conditions, type);
    }
}
