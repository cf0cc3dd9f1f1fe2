package io.mlforge.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlforge.api.v1alpha1.TrainingJob;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The floor's pods are planned with the settings the operator process reads: its defaults and its environment. */
class OperatorPodsTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @Test
    void plansTheOperatorsPodWithTheProcessEnvironment() {
        TrainingJob job = SERIALIZATION.unmarshal("""
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: bench-7, namespace: default, uid: 6f1e0a52-5c3e-4b7e-9d0a-1b2c3d4e5f60}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "5"}
                  resources: {gpusPerInstance: 1}
                """, TrainingJob.class);

        Pod pod = OperatorPods.planner(Map.of(
                        "MLFORGE_DATA_AGENT_S3_ENDPOINT", "http://127.0.0.1:9000",
                        "MLFORGE_DATA_AGENT_S3_PATH_STYLE", "true",
                        "MLFORGE_CLUSTER_GPU_RESOURCE_NAME", "example.com/gpu"))
                .plan(job, 1)
                .pods()
                .get(0);

        Container trainer = pod.getSpec().getContainers().get(0);
        assertThat(trainer.getEnv()).contains(new EnvVar("SM_HPS", "{\"epochs\":\"5\"}", null));
        assertThat(trainer.getResources().getLimits()).containsKey("example.com/gpu"); // from the environment
        Container agent = pod.getSpec().getInitContainers().get(0);
        assertThat(agent.getImage()).isEqualTo("ghcr.io/mlforge/mlforge-operator:0.1.0"); // the operator's default
        assertThat(SERIALIZATION.asJson(agent)).contains("http://127.0.0.1:9000");
        assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(1800L); // the operator's default
        assertThat(pod.getMetadata().getOwnerReferences()).hasSize(1);
    }
}
