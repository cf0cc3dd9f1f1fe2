package io.mlforge.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.training.TrainingJobs;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.Channel;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.Tag;

class CreateTrainingJobMappingTest {
    private static final String FULL = """
            backend: SageMaker
            image: 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu
            command: [python, train.py]
            args: [--fp16]
            inputMode: FastFile
            environment: {NCCL_DEBUG: INFO}
            hyperParameters: {epochs: "3", lr: "0.01"}
            resources: {instanceType: ml.p4d.24xlarge, instanceCount: 2, volumeSizeGB: 200, volumeKmsKeyId: alias/vol, keepAlivePeriodSeconds: 600}
            inputs:
              - {name: train, uri: "s3://b/train/", contentType: text/csv, compression: Gzip, distribution: ShardedByS3Key,
                 s3DataType: ManifestFile, recordWrapper: RecordIO, inputMode: Pipe, shuffleSeed: 7}
              - {name: validation, uri: "s3://b/val/"}
            output: {uri: "s3://b/models/", kmsKeyId: alias/out, compression: None}
            checkpoints: {uri: "s3://b/ckpt/", localPath: /ckpt}
            spot: {enabled: true, maxWaitSeconds: 90000}
            stopping: {maxRuntimeSeconds: 7200}
            retry: {maxAttempts: 4}
            metrics: [{name: "validation:accuracy", regex: "val_acc=([0-9.]+)"}]
            sagemaker:
              roleArn: arn:aws:iam::123456789012:role/SageMakerExecutionRole
              region: eu-west-1
              vpc: {securityGroupIds: [sg-0abc], subnets: [subnet-0def, subnet-0123]}
              tags: {team: vision, mlforge.io/name: spoofed}
              enableNetworkIsolation: true
              enableInterContainerTrafficEncryption: true
            """;

    private static CreateTrainingJobRequest map(String spec) {
        TrainingJob job = TrainingJobs.fromSpec("resnet", spec);
        return CreateTrainingJobMapping.request(
                job, ResourceNames.attemptName("resnet", job.getMetadata().getUid(), 2), 2);
    }

    @Test
    void everyFieldOfTheSpecReachesTheRequest() {
        CreateTrainingJobRequest r = map(FULL);
        assertThat(r.trainingJobName()).matches("^resnet-[0-9a-f]{6}-2$");
        assertThat(r.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/SageMakerExecutionRole");
        assertThat(r.algorithmSpecification().trainingImage()).endsWith("pytorch-training:2.3-gpu");
        assertThat(r.algorithmSpecification().trainingInputModeAsString()).isEqualTo("FastFile");
        assertThat(r.algorithmSpecification().containerEntrypoint()).containsExactly("python", "train.py");
        assertThat(r.algorithmSpecification().containerArguments()).containsExactly("--fp16");
        assertThat(r.algorithmSpecification().metricDefinitions())
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.name()).isEqualTo("validation:accuracy");
                    assertThat(m.regex()).isEqualTo("val_acc=([0-9.]+)");
                });
        assertThat(r.hyperParameters()).containsExactly(Map.entry("epochs", "3"), Map.entry("lr", "0.01"));
        assertThat(r.environment()).containsExactly(Map.entry("NCCL_DEBUG", "INFO"));

        Channel train = r.inputDataConfig().get(0);
        assertThat(train.channelName()).isEqualTo("train");
        assertThat(train.dataSource().s3DataSource().s3Uri()).isEqualTo("s3://b/train/");
        assertThat(train.dataSource().s3DataSource().s3DataTypeAsString()).isEqualTo("ManifestFile");
        assertThat(train.dataSource().s3DataSource().s3DataDistributionTypeAsString())
                .isEqualTo("ShardedByS3Key");
        assertThat(train.contentType()).isEqualTo("text/csv");
        assertThat(train.compressionTypeAsString()).isEqualTo("Gzip");
        assertThat(train.recordWrapperTypeAsString()).isEqualTo("RecordIO");
        assertThat(train.inputModeAsString()).isEqualTo("Pipe");
        assertThat(train.shuffleConfig().seed()).isEqualTo(7L);
        Channel validation = r.inputDataConfig().get(1);
        assertThat(validation.dataSource().s3DataSource().s3DataTypeAsString())
                .as("default")
                .isEqualTo("S3Prefix");
        assertThat(validation.dataSource().s3DataSource().s3DataDistributionTypeAsString())
                .isEqualTo("FullyReplicated");
        assertThat(validation.inputModeAsString())
                .as("inherits the job's input mode")
                .isNull();

        assertThat(r.outputDataConfig().s3OutputPath()).isEqualTo("s3://b/models/");
        assertThat(r.outputDataConfig().kmsKeyId()).isEqualTo("alias/out");
        assertThat(r.outputDataConfig().compressionTypeAsString()).isEqualTo("NONE");
        assertThat(r.resourceConfig().instanceTypeAsString()).isEqualTo("ml.p4d.24xlarge");
        assertThat(r.resourceConfig().instanceCount()).isEqualTo(2);
        assertThat(r.resourceConfig().volumeSizeInGB()).isEqualTo(200);
        assertThat(r.resourceConfig().volumeKmsKeyId()).isEqualTo("alias/vol");
        assertThat(r.resourceConfig().keepAlivePeriodInSeconds()).isEqualTo(600);
        assertThat(r.stoppingCondition().maxRuntimeInSeconds()).isEqualTo(7200);
        assertThat(r.stoppingCondition().maxWaitTimeInSeconds()).isEqualTo(90000);
        assertThat(r.enableManagedSpotTraining()).isTrue();
        assertThat(r.checkpointConfig().s3Uri()).isEqualTo("s3://b/ckpt/");
        assertThat(r.checkpointConfig().localPath()).isEqualTo("/ckpt");
        assertThat(r.vpcConfig().securityGroupIds()).containsExactly("sg-0abc");
        assertThat(r.vpcConfig().subnets()).containsExactly("subnet-0def", "subnet-0123");
        assertThat(r.enableNetworkIsolation()).isTrue();
        assertThat(r.enableInterContainerTrafficEncryption()).isTrue();
        assertThat(r.retryStrategy().maximumRetryAttempts())
                .as("retries after the first attempt")
                .isEqualTo(3);
        Map<String, String> tags = r.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
        assertThat(tags)
                .containsEntry("team", "vision")
                .containsEntry("mlforge.io/namespace", "ml")
                .containsEntry("mlforge.io/name", "resnet")
                .containsEntry("mlforge.io/uid", "6f1e0a52-5c3e-4b7e-9d0a-1b2c3d4e5f60")
                .containsEntry("mlforge.io/attempt", "2");
    }

    @Test
    void defaultsFollowSageMakers() {
        CreateTrainingJobRequest r = map("""
                backend: SageMaker
                image: xgboost:1.7
                resources: {instanceType: ml.m5.xlarge}
                output: {uri: "s3://b/out/"}
                sagemaker: {roleArn: "arn:aws:iam::123456789012:role/r"}
                """);
        assertThat(r.algorithmSpecification().trainingInputModeAsString()).isEqualTo("File");
        assertThat(r.algorithmSpecification().containerEntrypoint()).isEmpty();
        assertThat(r.resourceConfig().instanceCount()).isEqualTo(1);
        assertThat(r.resourceConfig().volumeSizeInGB()).isEqualTo(30);
        assertThat(r.stoppingCondition().maxRuntimeInSeconds()).isEqualTo(86400);
        assertThat(r.stoppingCondition().maxWaitTimeInSeconds()).isNull();
        assertThat(r.enableManagedSpotTraining()).isNull();
        assertThat(r.outputDataConfig().compressionTypeAsString()).isEqualTo("GZIP");
        assertThat(r.inputDataConfig()).isEmpty();
        assertThat(r.checkpointConfig()).isNull();
        assertThat(r.vpcConfig()).isNull();
        assertThat(r.retryStrategy().maximumRetryAttempts())
                .as("retry.maxAttempts defaults to 3")
                .isEqualTo(2);
        assertThat(map("""
                backend: SageMaker
                image: x
                retry: {maxAttempts: 1}
                """).retryStrategy()).as("no retries requested").isNull();
    }

    @Test
    void namesFitSageMakersPattern() {
        for (String name : new String[] {"a", "resnet.finetune-v2", "x".repeat(253), "9lives"}) {
            TrainingJob job = TrainingJobs.fromSpec(name, "image: x");
            String jobName = ResourceNames.attemptName(name, job.getMetadata().getUid(), 30);
            assertThat(jobName).hasSizeLessThanOrEqualTo(63).matches("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");
            assertThat(jobName)
                    .isEqualTo(ResourceNames.attemptName(name, job.getMetadata().getUid(), 30));
        }
        TrainingJob first = TrainingJobs.fromSpec("same-name", "image: x");
        TrainingJob recreated = TrainingJobs.fromSpec("same-name", "image: x");
        recreated.getMetadata().setUid("0d7f7f0a-1111-2222-3333-444455556666");
        assertThat(ResourceNames.attemptName("same-name", first.getMetadata().getUid(), 1))
                .as("a re-created resource never reuses a permanent SageMaker name")
                .isNotEqualTo(ResourceNames.attemptName(
                        "same-name", recreated.getMetadata().getUid(), 1));
    }
}
