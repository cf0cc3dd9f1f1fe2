package io.mlforge.sandbox;

import static org.awaitility.Awaitility.await;

import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import java.time.Duration;
import java.util.function.Predicate;

/** TrainingJobs in the sandbox as a user sees them: applied YAML; their status read through the typed API. */
public final class SandboxTrainingJobs {
    private final Sandbox sandbox;

    SandboxTrainingJobs(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /** A SageMaker TrainingJob of the emulator's synthetic trainer: {@code epochs} epochs on {@code instances} instances. */
    public static String sageMaker(String name, int instances, int epochs) {
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

    /** The job's status through the typed API (an empty status while it has none). */
    TrainingJobStatus status(String name) {
        TrainingJob job = sandbox.client()
                .resources(TrainingJob.class)
                .inNamespace("default")
                .withName(name)
                .get();
        return job == null || job.getStatus() == null ? new TrainingJobStatus() : job.getStatus();
    }

    TrainingPhase phase(String name) {
        return status(name).phase;
    }

    TrainingJobStatus awaitStatus(String name, String what, Predicate<TrainingJobStatus> condition) {
        await(name + " " + what)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> condition.test(status(name)));
        return status(name);
    }

    void awaitPhase(String name, TrainingPhase phase) {
        awaitStatus(name, phase.name(), s -> s.phase == phase);
    }
}
