package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the informer caches keep ({@link PrunedItemStore}) and how reconciles get their copy ({@link ShallowResourceCloner}). */
class InformerCacheTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private static Pod trainingPod() {
        return new PodBuilder()
                .withNewMetadata()
                .withName("job-a1-0")
                .withNamespace("ml")
                .withLabels(Map.of("mlforge.io/job-uid", "u1"))
                .withManagedFields(new ManagedFieldsEntryBuilder()
                        .withManager("kubelet")
                        .withOperation("Update")
                        .build())
                .endMetadata()
                .withNewSpec()
                .withNodeName("gpu-node-1")
                .addNewContainer()
                .withName("trainer")
                .withImage("registry.example/train:1")
                .addNewEnv()
                .withName("SM_HPS")
                .withValue("{\"epochs\":\"5\"}")
                .endEnv()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP("10.0.0.1")
                .endStatus()
                .build();
    }

    @Test
    void podsAreCachedWithTheirMetadataStatusAndNodeOnly() {
        PrunedItemStore<Pod> store = PrunedItemStore.podsByStatus();
        Pod pod = trainingPod();
        store.put(store.getKey(pod), pod);

        Pod cached = store.get("ml/job-a1-0");
        assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(cached.getMetadata().getLabels()).containsEntry("mlforge.io/job-uid", "u1");
        assertThat(cached.getStatus().getPhase()).isEqualTo("Running");
        assertThat(cached.getStatus().getPodIP()).as("never read: dropped").isNull();
        assertThat(cached.getSpec().getNodeName()).isEqualTo("gpu-node-1");
        assertThat(cached.getSpec().getContainers()).isEmpty();
        assertThat(store.values()).containsExactly(cached);
        assertThat(store.remove("ml/job-a1-0")).isSameAs(cached);
        assertThat(store.size()).isZero();
    }

    @Test
    void otherObjectsLoseOnlyTheirManagedFields() {
        PrunedItemStore<ConfigMap> store = PrunedItemStore.withoutManagedFields();
        ConfigMap map = new ConfigMapBuilder()
                .withNewMetadata()
                .withName("c")
                .withNamespace("ml")
                .withManagedFields(
                        new ManagedFieldsEntryBuilder().withManager("kubectl").build())
                .endMetadata()
                .withData(Map.of("k", "v"))
                .build();
        ConfigMap expected = JSON.clone(map);
        expected.getMetadata().setManagedFields(null);

        store.put(store.getKey(map), map);

        assertThat(store.get("ml/c")).isEqualTo(expected);
    }

    @Test
    void aReconcileGetsItsOwnMetadataAndSharesSpecAndStatusWithTheCache() {
        TrainingJob cached = new TrainingJob();
        cached.getMetadata().setName("train");
        cached.getMetadata().setNamespace("ml");
        cached.getMetadata().setResourceVersion("7");
        cached.getMetadata().setFinalizers(List.of("trainingjobs.mlforge.io/finalizer"));
        cached.setSpec(new TrainingJobSpec());
        cached.setStatus(new TrainingJobStatus());
        cached.getStatus().phase = TrainingPhase.Running;
        ShallowResourceCloner cloner = new ShallowResourceCloner(JSON::clone);

        TrainingJob copy = cloner.clone(cached);
        copy.getMetadata().setResourceVersion("8");
        copy.getMetadata().getFinalizers().clear();
        TrainingJobStatus written = new TrainingJobStatus();
        copy.setStatus(written);

        assertThat(copy.getKind()).isEqualTo("TrainingJob");
        assertThat(copy.getMetadata().getName()).isEqualTo("train");
        assertThat(copy.getSpec()).isSameAs(cached.getSpec());
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(cached.getMetadata().getFinalizers()).containsExactly("trainingjobs.mlforge.io/finalizer");
        assertThat(cached.getStatus().phase).isEqualTo(TrainingPhase.Running);
    }

    @Test
    void objectsOfOtherKindsAreCopiedInFull() {
        Pod pod = trainingPod();
        Pod copy = new ShallowResourceCloner(JSON::clone).clone(pod);
        assertThat(copy).isEqualTo(pod).isNotSameAs(pod);
        assertThat(copy.getSpec()).isNotSameAs(pod.getSpec());
    }
}
