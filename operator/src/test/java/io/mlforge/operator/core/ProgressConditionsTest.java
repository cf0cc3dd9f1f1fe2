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

    /** The condition's status, null when it is absent (how both conditions say False). */
    private static ConditionStatus status(List<Condition> conditions, String type) {
        Condition condition = Conditions.find(conditions, type);
        return condition == null ? null : condition.status;
    }

    @Test
    void aTrainingJobReconcilesUntilItEndsAndStallsOnlyWhenItFailedEachConditionPresentOnlyWhileTrue() {
        TrainingJobStatus status = new TrainingJobStatus();
        for (TrainingPhase phase : TrainingPhase.values()) {
            status.phase = phase;
            ProgressConditions.apply(status, T0);
            boolean finished =
                    phase == TrainingPhase.Completed || phase == TrainingPhase.Failed || phase == TrainingPhase.Stopped;
            assertThat(status(status.conditions, Condition.RECONCILING))
                    .as("%s", phase)
                    .isEqualTo(finished ? null : ConditionStatus.True);
            assertThat(status(status.conditions, Condition.STALLED))
                    .as("%s", phase)
                    .isEqualTo(phase == TrainingPhase.Failed ? ConditionStatus.True : null);
            Condition present = Conditions.find(
                    status.conditions, phase == TrainingPhase.Failed ? Condition.STALLED : Condition.RECONCILING);
            if (present != null) {
                assertThat(present.reason).as("%s", phase).isEqualTo(phase.name());
            }
            assertThat(status.conditions).as("%s", phase).hasSize(finished && phase != TrainingPhase.Failed ? 0 : 1);
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
        assertThat(Conditions.find(status.conditions, Condition.RECONCILING)).isNull();
        status.phase = TuningPhase.Running; // started again (a restart)
        ProgressConditions.apply(status, T0.plusSeconds(180));
        assertThat(Conditions.find(status.conditions, Condition.RECONCILING).lastTransitionTime)
                .isEqualTo("2026-12-01T10:03:00Z");
    }

    @Test
    void anEndpointStallsWhileItsLastUpdateFailedEvenThoughTheOldVersionServes() {
        EndpointStatus status = new EndpointStatus();
        status.phase = EndpointPhase.Creating;
        ProgressConditions.apply(status, T0);
        assertThat(status(status.conditions, Condition.RECONCILING)).isEqualTo(ConditionStatus.True);
        status.phase = EndpointPhase.InService;
        ProgressConditions.apply(status, T0);
        assertThat(status(status.conditions, Condition.RECONCILING)).isNull();
        assertThat(status(status.conditions, Condition.STALLED)).isNull();
        status.conditions = Conditions.set(
                status.conditions, EndpointStatus.UPDATE_FAILED, ConditionStatus.True, "UpdateRolledBack", "m", 2L, T0);
        ProgressConditions.apply(status, T0);
        assertThat(status(status.conditions, Condition.STALLED)).isEqualTo(ConditionStatus.True);
        assertThat(Conditions.find(status.conditions, Condition.STALLED).reason).isEqualTo("UpdateFailed");
    }
}
