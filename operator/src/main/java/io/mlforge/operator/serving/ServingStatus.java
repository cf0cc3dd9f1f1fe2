package io.mlforge.operator.serving;

import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.operator.core.Conditions;
import java.time.Instant;

/** Keeps an Endpoint's phase, message and the phase-derived conditions (Ready, Updating) consistent, for both backends. */
public final class ServingStatus {
    private ServingStatus() {}

    public static void phase(
            EndpointStatus status, EndpointPhase phase, String reason, String message, Long generation, Instant now) {
        status.phase = phase;
        status.message = message;
        status.conditions = Conditions.set(
                status.conditions,
                Condition.READY,
                phase == EndpointPhase.InService ? ConditionStatus.True : ConditionStatus.False,
                reason,
                message,
                generation,
                now);
        status.conditions = Conditions.set(
                status.conditions,
                EndpointStatus.UPDATING,
                phase == EndpointPhase.Updating || phase == EndpointPhase.Creating || phase == EndpointPhase.RollingBack
                        ? ConditionStatus.True
                        : ConditionStatus.False,
                reason,
                message,
                generation,
                now);
    }
}
