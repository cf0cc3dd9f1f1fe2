package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.sagemaker.emulator.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Read-your-writes over fabric8's mock server: a written status is used until the informer's cache has it. */
@EnableKubernetesMockClient(crud = true)
class StatusWriterTest {
    KubernetesClient client;

    final StatusWriter writer = new StatusWriter();
    TrainingJob created;

    @BeforeEach
    void wire() {
        writer.client = client;
        writer.clock = new ManualClock(Instant.parse("2026-12-02T10:00:00Z"));
        TrainingJob job = new TrainingJob();
        job.getMetadata().setName("train");
        job.getMetadata().setNamespace("ml");
        job.setSpec(new TrainingJobSpec());
        created = client.resources(TrainingJob.class)
                .inNamespace("ml")
                .resource(job)
                .create();
    }

    @Test
    void aWrittenStatusIsKeptUntilTheCacheHasItAndNoLonger() {
        TrainingJob toWrite = client.getKubernetesSerialization().clone(created);
        toWrite.setStatus(new TrainingJobStatus());
        toWrite.getStatus().phase = TrainingPhase.Pending;
        TrainingJob stored = writer.write(toWrite);

        assertThat(stored.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(writer.fresh(created).getStatus().phase)
                .as("a reconcile from the older cached object starts from what was written")
                .isEqualTo(TrainingPhase.Pending);
        writer.cached(created);
        assertThat(writer.pending()).as("the cache still has the older version").isEqualTo(1);

        // a job that is never reconciled again (finished) is dropped when its informer stores the written version
        writer.cached(client.getKubernetesSerialization().clone(stored));
        assertThat(writer.pending()).isZero();
    }
}
