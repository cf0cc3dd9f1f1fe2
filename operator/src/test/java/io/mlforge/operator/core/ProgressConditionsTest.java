package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

class ProgressConditionsTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static ConditionStatus status(List<Condition> conditions, String type) {
        return Conditions.find(conditions, type).status;
    }

    @Test
    void aTrainingJobReconcilesUntilItEndsAndStallsOnlyWhenItFailed() {
        TrainingJobStatus status = new TrainingJobStatus();
        for (TrainingPhase phase : TrainingPhase.values()) {
            status.phase = phase;
            ProgressConditions.apply(status, T0);
            boolean finished =
                    phase == TrainingPhase.Completed || phase == TrainingPhase.Failed || phase == TrainingPhase.Stopped;
            assertThat(status(status.conditions, Condition.RECONCILING))
                    .as("%s", phase)
                    .isEqualTo(finished ? ConditionStatus.False : ConditionStatus.True);
            assertThat(status(status.conditions, Condition.STALLED))
                    .as("%s", phase)
                    .isEqualTo(phase == TrainingPhase.Failed ? ConditionStatus.True : ConditionStatus.False);
            assertThat(Conditions.find(status.conditions, Condition.RECONCILING).reason)
                    .isEqualTo(phase.name());
        }
    }

    @Test
    void theTransitionTimeMovesOnlyWhenTheConditionChanges() {
        TuningJobStatus status = new TuningJobStatus();
        status.phase = TuningPhase.Running;
        ProgressConditions.apply(status, T0);
        status.phase = TuningPhase.Running;
        ProgressConditions.apply(status, T0.plusSeconds(60));
        assertThat(Conditions.find(status.conditions, Condition.RECONCILING).lastTransitionTime)
                .isEqualTo("2026-12-01T10:00:00Z");
        status.phase = TuningPhase.Completed;
        ProgressConditions.apply(status, T0.plusSeconds(120));
        assertThat(Conditions.find(status.conditions, Condition.RECONCILING).lastTransitionTime)
                .isEqualTo("2026-12-01T10:02:00Z");
        assertThat(Conditions.find(status.conditions, Condition.STALLED).lastTransitionTime)
                .isEqualTo("2026-12-01T10:00:00Z");
    }

    @Test
    void anEndpointStallsWhileItsLastUpdateFailedEvenThoughTheOldVersionServes() {
        EndpointStatus status = new EndpointStatus();
        status.phase = EndpointPhase.Creating;
        ProgressConditions.apply(status, T0);
        assertThat(status(status.conditions, Condition.RECONCILING)).isEqualTo(ConditionStatus.True);
        status.phase = EndpointPhase.InService;
        ProgressConditions.apply(status, T0);
        assertThat(status(status.conditions, Condition.RECONCILING)).isEqualTo(ConditionStatus.False);
        assertThat(status(status.conditions, Condition.STALLED)).isEqualTo(ConditionStatus.False);
        status.conditions = Conditions.set(
                status.conditions, EndpointStatus.UPDATE_FAILED, ConditionStatus.True, "UpdateRolledBack", "m", 2L, T0);
        ProgressConditions.apply(status, T0);
        assertThat(status(status.conditions, Condition.STALLED)).isEqualTo(ConditionStatus.True);
        assertThat(Conditions.find(status.conditions, Condition.STALLED).reason).isEqualTo("UpdateFailed");
    }
}
