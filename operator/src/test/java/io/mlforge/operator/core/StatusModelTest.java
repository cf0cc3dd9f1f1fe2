package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/** The one status model reads and writes the conventional fields of every kind's status. */
class StatusModelTest {
    @Test
    void readsAndWritesEveryKindsStatus() {
        List<Condition> ready =
                Conditions.set(null, Condition.READY, ConditionStatus.True, "Done", "done", 3L, Instant.EPOCH);

        StatusModel<TrainingJobStatus> training =
                StatusModel.of(TrainingJobStatus.class, TrainingJobStatus::new, TrainingPhase.Failed);
        TrainingJobStatus t = training.empty();
        t.phase = TrainingPhase.Failed;
        t.message = "OOM";
        training.setConditions(t, ready);
        training.observe(t, 3L);
        assertThat(training.phase(t)).isEqualTo(TrainingPhase.Failed);
        assertThat(training.failed(t)).isTrue();
        assertThat(training.message(t)).isEqualTo("OOM");
        assertThat(training.conditions(t)).isSameAs(t.conditions).isEqualTo(ready);
        assertThat(t.observedGeneration).isEqualTo(3L);

        StatusModel<TuningJobStatus> tuning =
                StatusModel.of(TuningJobStatus.class, TuningJobStatus::new, TuningPhase.Failed);
        TuningJobStatus u = tuning.empty();
        u.phase = TuningPhase.Completed;
        tuning.observe(u, 5L);
        assertThat(tuning.failed(u)).isFalse();
        assertThat(u.observedGeneration).isEqualTo(5L);

        StatusModel<EndpointStatus> serving =
                StatusModel.of(EndpointStatus.class, EndpointStatus::new, EndpointPhase.Failed);
        EndpointStatus e = serving.empty();
        assertThat(serving.phase(e)).isNull();
        e.phase = EndpointPhase.Failed;
        assertThat(serving.failed(e)).isTrue();
    }

    @Test
    void aStatusClassWithoutTheConventionalFieldsIsRefusedAtOnce() {
        assertThatThrownBy(() -> StatusModel.of(String.class, String::new, TrainingPhase.Failed))
                .hasMessageContaining("String lacks a status field");
    }
}
