package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.mlforge.api.v1alpha1.TrainingJob;
import org.junit.jupiter.api.Test;

class PrunedItemStoreTest {

    /** A pod as the API server sends it: every string a fresh copy, as the JSON decoder makes them. */
    private static Pod pod(String name) {
        return Serialization.unmarshal("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: team-a
                  creationTimestamp: "2026-12-03T08:00:00Z"
                  labels: {mlforge.io/training-job: resnet, mlforge.io/role: host}
                  managedFields: [{manager: mlforge, operation: Apply}]
                spec:
                  nodeName: gpu-node-1
                  schedulingGates: [{name: kueue.x-k8s.io/admission}]
                  containers: [{name: trainer, image: example.com/trainer:1}]
                status:
                  phase: Running
                  hostIP: 10.0.0.1
                  podIP: 10.244.0.7
                  podIPs: [{ip: 10.244.0.7}]
                  qosClass: Burstable
                  conditions:
                  - {type: Ready, status: "True", lastProbeTime: null, lastTransitionTime: "2026-12-03T08:00:05Z"}
                  containerStatuses:
                  - name: trainer
                    image: example.com/trainer:1
                    imageID: example.com/trainer@sha256:0123456789abcdef
                    containerID: containerd://%s
                    ready: true
                    restartCount: 1
                    lastState: {terminated: {exitCode: 137, reason: OOMKilled}}
                    state: {running: {startedAt: "2026-12-03T08:00:04Z"}}
                """.formatted(name, name), Pod.class);
    }

    @Test
    void podsKeepWhatTheOperatorReadsAndShareTheStringsThatRepeat() {
        PrunedItemStore<Pod> store = PrunedItemStore.podsByStatus();
        store.put("team-a/a", pod("a"));
        store.put("team-a/b", pod("b"));
        Pod a = store.get("team-a/a");
        Pod b = store.get("team-a/b");

        assertThat(a.getMetadata().getManagedFields()).isNull();
        assertThat(a.getSpec().getContainers()).isEmpty();
        assertThat(a.getSpec().getNodeName()).isEqualTo("gpu-node-1");
        assertThat(a.getSpec().getSchedulingGates()).hasSize(1);
        assertThat(a.getStatus().getPodIP()).isNull();
        assertThat(a.getStatus().getHostIP()).isNull();
        var trainer = a.getStatus().getContainerStatuses().get(0);
        assertThat(trainer.getContainerID()).isNull();
        assertThat(trainer.getImageID()).isNull();
        assertThat(trainer.getLastState()).isNull();
        assertThat(trainer.getRestartCount()).isEqualTo(1);
        assertThat(trainer.getState().getRunning().getStartedAt()).isEqualTo("2026-12-03T08:00:04Z");
        assertThat(a.getStatus().getConditions().get(0).getStatus()).isEqualTo("True");
        assertThat(a.getMetadata().getLabels()).containsEntry("mlforge.io/training-job", "resnet");

        // the same text in two pods is one string
        assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
        assertThat(b.getMetadata().getLabels().get("mlforge.io/training-job"))
                .isSameAs(a.getMetadata().getLabels().get("mlforge.io/training-job"));
        assertThat(b.getStatus().getConditions().get(0).getLastTransitionTime())
                .isSameAs(a.getStatus().getConditions().get(0).getLastTransitionTime());
        assertThat(b.getStatus().getContainerStatuses().get(0).getImage()).isSameAs(trainer.getImage());
        assertThat(b.getSpec().getNodeName()).isSameAs(a.getSpec().getNodeName());
    }

    @Test
    void resourcesShareTheirConditionStrings() {
        String yaml = """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: %s, namespace: team-a, managedFields: [{manager: kubectl}]}
                spec: {image: example.com/trainer:1}
                status:
                  conditions:
                  - {type: Ready, status: "True", reason: Completed, message: training finished,
                     lastTransitionTime: "2026-12-03T08:00:09Z"}
                """;
        PrunedItemStore<TrainingJob> store = PrunedItemStore.withoutManagedFields();
        store.put("team-a/a", Serialization.unmarshal(yaml.formatted("a"), TrainingJob.class));
        store.put("team-a/b", Serialization.unmarshal(yaml.formatted("b"), TrainingJob.class));
        TrainingJob a = store.get("team-a/a");
        TrainingJob b = store.get("team-a/b");

        assertThat(a.getMetadata().getManagedFields()).isNull();
        assertThat(a.getStatus().conditions.get(0).message).isEqualTo("training finished");
        assertThat(b.getStatus().conditions.get(0).message)
                .isSameAs(a.getStatus().conditions.get(0).message);
        assertThat(b.getStatus().conditions.get(0).reason)
                .isSameAs(a.getStatus().conditions.get(0).reason);
        assertThat(b.getMetadata().getNamespace()).isSameAs(a.getMetadata().getNamespace());
    }
}
