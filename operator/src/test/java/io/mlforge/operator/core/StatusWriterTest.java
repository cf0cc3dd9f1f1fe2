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
    void aReconcileHandedAnOlderObjectStartsFromTheNewestKnownEvenAfterTheCacheCaughtUp() {
        writer.cached(created); // the informer stores the new job
        TrainingJob toWrite = client.getKubernetesSerialization().clone(created);
        toWrite.setStatus(new TrainingJobStatus());
        toWrite.getStatus().phase = TrainingPhase.Pending;
        TrainingJob stored = writer.write(toWrite);

        assertThat(stored.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(writer.fresh(created).getStatus().phase)
                .as("a reconcile from the older cached object starts from what was written")
                .isEqualTo(TrainingPhase.Pending);

        // the informer stores the written version; JOSDK may still hand the next reconcile the object it held when
        // that reconcile was queued
        TrainingJob cachedWrite = client.getKubernetesSerialization().clone(stored);
        writer.cached(cachedWrite);
        writer.cached(created); // an older version never replaces a newer one
        TrainingJob fresh = writer.fresh(created);
        assertThat(fresh.getStatus().phase).isEqualTo(TrainingPhase.Pending);
        assertThat(fresh.getMetadata().getResourceVersion())
                .isEqualTo(stored.getMetadata().getResourceVersion());
        assertThat(fresh).as("a copy: the reconcile must not change the cache").isNotSameAs(cachedWrite);
        assertThat(writer.fresh(cachedWrite))
                .as("handed the newest: used as it is")
                .isSameAs(cachedWrite);

        writer.forget(created.getMetadata().getUid());
        assertThat(writer.fresh(created)).isSameAs(created);
    }
}
