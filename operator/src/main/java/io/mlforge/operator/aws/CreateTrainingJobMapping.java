package io.mlforge.operator.aws;

import io.mlforge.api.v1alpha1.Channel;
import io.mlforge.api.v1alpha1.InputMode;
import io.mlforge.api.v1alpha1.OutputConfig;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TrainingSageMakerSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sagemaker.model.AlgorithmSpecification;
import software.amazon.awssdk.services.sagemaker.model.CheckpointConfig;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DataSource;
import software.amazon.awssdk.services.sagemaker.model.MetricDefinition;
import software.amazon.awssdk.services.sagemaker.model.OutputDataConfig;
import software.amazon.awssdk.services.sagemaker.model.ResourceConfig;
import software.amazon.awssdk.services.sagemaker.model.RetryStrategy;
import software.amazon.awssdk.services.sagemaker.model.S3DataSource;
import software.amazon.awssdk.services.sagemaker.model.ShuffleConfig;
import software.amazon.awssdk.services.sagemaker.model.StoppingCondition;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.VpcConfig;

/**
 * The TrainingJob spec as a SageMaker CreateTrainingJob request: the one place where the API's fields meet
 * SageMaker's. Pure; the tuning backend reuses it for its training job definition.
 */
public final class CreateTrainingJobMapping {
    /** SageMaker's own default run-time limit (one day), used when the spec sets none. */
    public static final int DEFAULT_MAX_RUNTIME_SECONDS = 86400;

    public static final int DEFAULT_VOLUME_GB = 30;
    public static final String TAG_NAMESPACE = "mlforge.io/namespace";
    public static final String TAG_NAME = "mlforge.io/name";
    public static final String TAG_UID = "mlforge.io/uid";
    public static final String TAG_ATTEMPT = "mlforge.io/attempt";

    private CreateTrainingJobMapping() {}

    public static CreateTrainingJobRequest request(TrainingJob job, String trainingJobName, int attempt) {
        TrainingJobSpec spec = job.getSpec();
        TrainingSageMakerSettings sagemaker = spec.sagemaker == null ? new TrainingSageMakerSettings() : spec.sagemaker;
        CreateTrainingJobRequest.Builder request = CreateTrainingJobRequest.builder()
                .trainingJobName(trainingJobName)
                .roleArn(sagemaker.roleArn)
                .algorithmSpecification(algorithm(spec))
                .hyperParameters(spec.hyperParameters == null ? null : new LinkedHashMap<>(spec.hyperParameters))
                .environment(spec.environment == null ? null : new LinkedHashMap<>(spec.environment))
                .inputDataConfig(channels(spec))
                .outputDataConfig(output(spec.output))
                .resourceConfig(resources(spec))
                .stoppingCondition(stopping(spec))
                .enableManagedSpotTraining(spot(spec) ? true : null)
                .checkpointConfig(
                        spec.checkpoints == null
                                ? null
                                : CheckpointConfig.builder()
                                        .s3Uri(spec.checkpoints.uri)
                                        .localPath(
                                                spec.checkpoints.localPath == null
                                                        ? "/opt/ml/checkpoints"
                                                        : spec.checkpoints.localPath)
                                        .build())
                .vpcConfig(
                        sagemaker.vpc == null
                                ? null
                                : VpcConfig.builder()
                                        .securityGroupIds(sagemaker.vpc.securityGroupIds)
                                        .subnets(sagemaker.vpc.subnets)
                                        .build())
                .enableNetworkIsolation(Boolean.TRUE.equals(sagemaker.enableNetworkIsolation) ? true : null)
                .enableInterContainerTrafficEncryption(
                        Boolean.TRUE.equals(sagemaker.enableInterContainerTrafficEncryption) ? true : null)
                .tags(tags(job, sagemaker, trainingJobName, attempt));
        int maxAttempts = spec.retry == null || spec.retry.maxAttempts == null ? 3 : spec.retry.maxAttempts;
        if (maxAttempts > 1) {
            // SageMaker retries internal errors under the same name: the retries beyond the first attempt.
            request.retryStrategy(RetryStrategy.builder()
                    .maximumRetryAttempts(maxAttempts - 1)
                    .build());
        }
        return request.build();
    }

    static AlgorithmSpecification algorithm(TrainingJobSpec spec) {
        AlgorithmSpecification.Builder algorithm = AlgorithmSpecification.builder()
                .trainingImage(spec.image)
                .trainingInputMode((spec.inputMode == null ? InputMode.File : spec.inputMode).name());
        if (spec.command != null && !spec.command.isEmpty()) {
            algorithm.containerEntrypoint(spec.command);
        }
        if (spec.args != null && !spec.args.isEmpty()) {
            algorithm.containerArguments(spec.args);
        }
        if (spec.metrics != null && !spec.metrics.isEmpty()) {
            algorithm.metricDefinitions(spec.metrics.stream()
                    .map(m -> MetricDefinition.builder()
                            .name(m.name)
                            .regex(m.regex)
                            .build())
                    .toList());
        }
        return algorithm.build();
    }

    static List<software.amazon.awssdk.services.sagemaker.model.Channel> channels(TrainingJobSpec spec) {
        if (spec.inputs == null || spec.inputs.isEmpty()) {
            return null;
        }
        List<software.amazon.awssdk.services.sagemaker.model.Channel> channels = new ArrayList<>();
        for (Channel c : spec.inputs) {
            S3DataSource s3 = S3DataSource.builder()
                    .s3Uri(c.uri)
                    .s3DataType(c.s3DataType == null ? "S3Prefix" : c.s3DataType.name())
                    .s3DataDistributionType(c.distribution == null ? "FullyReplicated" : c.distribution.name())
                    .build();
            channels.add(software.amazon.awssdk.services.sagemaker.model.Channel.builder()
                    .channelName(c.name)
                    .dataSource(DataSource.builder().s3DataSource(s3).build())
                    .contentType(c.contentType)
                    .compressionType(c.compression == null ? null : c.compression.name())
                    .recordWrapperType(c.recordWrapper == null ? null : c.recordWrapper.name())
                    .inputMode(c.inputMode == null ? null : c.inputMode.name())
                    .shuffleConfig(
                            c.shuffleSeed == null
                                    ? null
                                    : ShuffleConfig.builder()
                                            .seed(c.shuffleSeed)
                                            .build())
                    .build());
        }
        return channels;
    }

    static OutputDataConfig output(OutputConfig output) {
        if (output == null) {
            return null;
        }
        return OutputDataConfig.builder()
                .s3OutputPath(output.uri)
                .kmsKeyId(output.kmsKeyId)
                .compressionType(output.compression == OutputConfig.Compression.None ? "NONE" : "GZIP")
                .build();
    }

    static ResourceConfig resources(TrainingJobSpec spec) {
        var r = spec.resources;
        return ResourceConfig.builder()
                .instanceType(r == null ? null : r.instanceType)
                .instanceCount(r == null || r.instanceCount == null ? 1 : r.instanceCount)
                .volumeSizeInGB(r == null || r.volumeSizeGB == null ? DEFAULT_VOLUME_GB : r.volumeSizeGB)
                .volumeKmsKeyId(r == null ? null : r.volumeKmsKeyId)
                .keepAlivePeriodInSeconds(r == null ? null : r.keepAlivePeriodSeconds)
                .build();
    }

    static StoppingCondition stopping(TrainingJobSpec spec) {
        int maxRuntime = spec.stopping == null || spec.stopping.maxRuntimeSeconds == null
                ? DEFAULT_MAX_RUNTIME_SECONDS
                : spec.stopping.maxRuntimeSeconds;
        return StoppingCondition.builder()
                .maxRuntimeInSeconds(maxRuntime)
                .maxWaitTimeInSeconds(spot(spec) ? spec.spot.maxWaitSeconds : null)
                .build();
    }

    private static boolean spot(TrainingJobSpec spec) {
        return spec.spot != null && Boolean.TRUE.equals(spec.spot.enabled);
    }

    /** The user's tags, then tags naming the Kubernetes object (they win: the operator finds its jobs by them). */
    static List<Tag> tags(TrainingJob job, TrainingSageMakerSettings sagemaker, String trainingJobName, int attempt) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (sagemaker.tags != null) {
            tags.putAll(sagemaker.tags);
        }
        tags.put(TAG_NAMESPACE, job.getMetadata().getNamespace());
        tags.put(TAG_NAME, job.getMetadata().getName());
        tags.put(TAG_UID, job.getMetadata().getUid());
        tags.put(TAG_ATTEMPT, Integer.toString(attempt));
        return tags.entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
    }
}
