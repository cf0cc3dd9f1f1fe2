package io.mlforge.sandbox;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** TrainingJobs in the sandbox as a user sees them: applied YAML, and the status as plain maps. */
final class SandboxTrainingJobs {
    private final KubernetesClient client;

    SandboxTrainingJobs(KubernetesClient client) {
        this.client = client;
    }

    /** A SageMaker TrainingJob of the emulator's synthetic trainer: {@code epochs} epochs on {@code instances} instances. */
    static String sageMaker(String name, int instances, int epochs) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: %s, namespace: default}
                spec:
                  backend: SageMaker
                  image: mlforge/sandbox-trainer
                  hyperParameters: {epochs: "%d", lr: "0.02"}
                  resources: {instanceType: ml.m5.xlarge, instanceCount: %d, volumeSizeGB: 5}
                  output: {uri: "s3://mlforge-examples/models/"}
                  metrics: [{name: val_loss, regex: "val_loss=([0-9.]+)"}]
                  sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """.formatted(name, epochs, instances);
    }

    void apply(String yaml) {
        client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).inNamespace("default").createOrReplace();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> status(String name) {
        GenericKubernetesResource job = client.genericKubernetesResources(Sandbox.TRAINING_JOBS).inNamespace("default").withName(name).get();
        Object status = job == null ? null : job.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    String phase(String name) {
        return (String) status(name).get("phase");
    }

    Map<String, Object> awaitStatus(String name, String what, Predicate<Map<String, Object>> condition) {
        await(name + " " + what).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> condition.test(status(name)));
        return status(name);
    }

    void awaitPhase(String name, String phase) {
        awaitStatus(name, phase, s -> phase.equals(s.get("phase")));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> status, String field) {
        Object value = status.get(field);
        return value instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
