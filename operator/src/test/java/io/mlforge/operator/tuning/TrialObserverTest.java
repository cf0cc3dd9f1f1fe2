package io.mlforge.operator.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.api.v1alpha1.TrialPhase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrialObserverTest {
    static TrainingJob child(int index, TrainingPhase phase, Map<String, Double> metrics) {
        TrainingJob job = new TrainingJob();
        ObjectMeta meta = new ObjectMeta();
        meta.setName("search-00" + index);
        meta.setLabels(Map.of(TuningLabels.TRIAL_INDEX, Integer.toString(index)));
        meta.setAnnotations(Map.of(TuningLabels.PARAMETERS, "{\"lr\":\"0.01\"}"));
        job.setMetadata(meta);
        TrainingJobStatus status = new TrainingJobStatus();
        status.phase = phase;
        status.metrics = metrics;
        job.setStatus(status);
        return job;
    }

    @Test
    void aTrialOfAMultiObjectiveSearchCarriesEveryObjectiveInTheSpecsOrder() {
        List<Trial> trials = TrialObserver.observe(
                List.of(child(0, TrainingPhase.Completed, Map.of("latency", 12.0, "accuracy", 0.9, "loss", 0.3))),
                List.of("accuracy", "latency"));
        assertThat(trials.get(0).phase()).isEqualTo(TrialPhase.Succeeded);
        assertThat(trials.get(0).objective()).isEqualTo(0.9);
        assertThat(trials.get(0).objectives()).containsExactly(0.9, 12.0);
    }

    @Test
    void aTrialThatCompletedWithoutEveryObjectiveCountsAsFailed() {
        List<Trial> trials = TrialObserver.observe(
                List.of(child(0, TrainingPhase.Completed, Map.of("accuracy", 0.9))), List.of("accuracy", "latency"));
        assertThat(trials.get(0).phase()).isEqualTo(TrialPhase.Failed);
        assertThat(trials.get(0).reason()).isEqualTo("NoObjectiveValue");
        assertThat(trials.get(0).objectives()).isNull();
    }
}
