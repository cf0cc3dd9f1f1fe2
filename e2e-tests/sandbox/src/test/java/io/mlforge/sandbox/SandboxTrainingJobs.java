package io.mlforge.sandbox;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** TrainingJobs in the sandbox as a user sees them: applied YAML, and the status as plain maps. */
final class SandboxTrainingJobs {
    private final Sandbox sandbox;

    SandboxTrainingJobs(Sandbox sandbox) {
        this.sandbox = sandbox;
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
        sandbox.applyYaml(yaml);
    }

    Map<String, Object> status(String name) {
        return sandbox.status(Sandbox.TRAINING_JOBS, name);
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
