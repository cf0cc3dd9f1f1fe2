package io.mlforge.operator.training.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.mlforge.api.v1alpha1.MetricDefinition;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerLogMetricsCollectorTest {
    private static TrainingJob job(List<MetricDefinition> metrics) {
        TrainingJob job = new TrainingJob();
        job.setMetadata(new ObjectMetaBuilder().withName("j").withUid("uid-1").build());
        job.setSpec(new TrainingJobSpec());
        job.getSpec().metrics = metrics;
        return job;
    }

    @Test
    void aJobWithoutMetricsNeverAsksForARead() {
        TrainerLogMetricsCollector collector = new TrainerLogMetricsCollector();
        assertThat(collector.nextReadAt(job(null)))
                .as("no requeue: the epoch made every running job without metrics reconcile every second")
                .isNull();
        assertThat(collector.nextReadAt(job(List.of()))).isNull();
        assertThat(collector.nextReadAt(job(List.of(new MetricDefinition("loss", "loss=([0-9.]+)")))))
                .as("a job with metrics not read yet: read at once")
                .isEqualTo(Instant.EPOCH);
    }
}
