package io.mlforge.operator.training.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.operator.aws.AdaptiveRateLimiter;
import io.mlforge.operator.aws.AwsSageMakerService;
import io.mlforge.operator.aws.CreateTrainingJobMapping;
import io.mlforge.operator.aws.SageMakerTarget;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.training.TrainingJobs;
import io.mlforge.sagemaker.emulator.ManualClock;
import io.mlforge.sagemaker.emulator.SageMakerEmulator;
import io.mlforge.sagemaker.emulator.Timing;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobStatus;

/** The SDK implementation against the SageMaker emulator over HTTP, with requests from the real mapping. */
class AwsSageMakerServiceTest {
    private static final SageMakerTarget US_EAST_1 = new SageMakerTarget("us-east-1", null);
    private final ManualClock clock = new ManualClock(Instant.now());
    private SageMakerEmulator emulator;
    private AwsSageMakerService service;

    @BeforeEach
    void start(@TempDir Path tmp) throws Exception {
        emulator = SageMakerEmulator.start(0, clock, Timing.realistic(), tmp.resolve("requests.jsonl"));
        service = new AwsSageMakerService(
                Optional.of(URI.create(emulator.endpoint())),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("sandbox", "sandbox-secret")),
                AdaptiveRateLimiter.of(50));
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        emulator.close();
    }

    private static TrainingJob xgboost() {
        return TrainingJobs.fromSpec("xgboost-mnist", """
                backend: SageMaker
                image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
                hyperParameters: {num_round: "10", objective: "multi:softmax", num_class: "4", eval_metric: mlogloss}
                resources: {instanceType: ml.m4.xlarge, instanceCount: 1, volumeSizeGB: 1}
                inputs:
                  - {name: train, uri: "s3://mlforge-examples/xgboost/train/", contentType: text/csv}
                  - {name: validation, uri: "s3://mlforge-examples/xgboost/validation/", contentType: text/csv}
                output: {uri: "s3://mlforge-examples/xgboost/output/"}
                stopping: {maxRuntimeSeconds: 3600}
                metrics: [{name: "validation:accuracy", regex: "val_acc=([0-9.]+)"}]
                sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """);
    }

    @Test
    void createsDescribesListsAndAdoptsInsteadOfDuplicating() {
        TrainingJob job = xgboost();
        String name = ResourceNames.attemptName(
                job.getMetadata().getName(), job.getMetadata().getUid(), 1);
        Instant before = clock.instant().minusSeconds(1);
        assertThat(service.create(US_EAST_1, CreateTrainingJobMapping.request(job, name, 1)))
                .get()
                .asString()
                .endsWith(name.toLowerCase());
        assertThat(service.create(US_EAST_1, CreateTrainingJobMapping.request(job, name, 1)))
                .as("a second create of the same deterministic name adopts the existing job")
                .isEmpty();
        assertThat(emulator.requestCounts()).containsEntry("CreateTrainingJob", 2L);
        assertThat(service.describe(US_EAST_1, name)).hasValueSatisfying(d -> {
            assertThat(d.trainingJobStatus()).isEqualTo(TrainingJobStatus.IN_PROGRESS);
            assertThat(d.hyperParameters()).containsEntry("num_round", "10");
        });
        assertThat(service.modifiedSince(US_EAST_1, before))
                .extracting(s -> s.trainingJobName())
                .containsExactly(name);
        assertThat(service.describe(US_EAST_1, "no-such-job")).isEmpty();

        clock.advance(Duration.ofSeconds(60));
        assertThat(service.describe(US_EAST_1, name).orElseThrow().trainingJobStatus())
                .isEqualTo(TrainingJobStatus.COMPLETED);
        service.stop(US_EAST_1, name); // already ended: nothing to do, no error
    }

    @Test
    void stopEndsARunningJob() {
        TrainingJob job = xgboost();
        String name = ResourceNames.attemptName(
                job.getMetadata().getName(), job.getMetadata().getUid(), 1);
        service.create(US_EAST_1, CreateTrainingJobMapping.request(job, name, 1));
        service.stop(US_EAST_1, name);
        assertThat(service.describe(US_EAST_1, name).orElseThrow().trainingJobStatus())
                .isEqualTo(TrainingJobStatus.STOPPING);
    }

    @Test
    void sageMakersRejectionsComeThroughWithTheirMessage() {
        TrainingJob job = xgboost();
        job.getSpec().sagemaker.roleArn = null;
        assertThatThrownBy(() -> service.create(US_EAST_1, CreateTrainingJobMapping.request(job, "no-role-1", 1)))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("roleArn");
                });
        emulator.setFaults(new SageMakerEmulator.Faults(1.0, 0, Duration.ZERO));
        assertThatThrownBy(() -> service.describe(US_EAST_1, "x"))
                .isInstanceOfSatisfying(
                        AwsServiceException.class,
                        e -> assertThat(e.isThrottlingException()).isTrue());
    }
}
