package io.mlforge.operator.serving.sagemaker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mlforge.api.v1alpha1.DeploymentPolicy;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointSageMakerSettings;
import io.mlforge.api.v1alpha1.ModelSource;
import io.mlforge.api.v1alpha1.ModelSpec;
import io.mlforge.api.v1alpha1.PipelineContainer;
import io.mlforge.api.v1alpha1.Variant;
import io.mlforge.operator.core.ResourceNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.sagemaker.model.Alarm;
import software.amazon.awssdk.services.sagemaker.model.AsyncInferenceClientConfig;
import software.amazon.awssdk.services.sagemaker.model.AsyncInferenceConfig;
import software.amazon.awssdk.services.sagemaker.model.AsyncInferenceNotificationConfig;
import software.amazon.awssdk.services.sagemaker.model.AsyncInferenceOutputConfig;
import software.amazon.awssdk.services.sagemaker.model.AutoRollbackConfig;
import software.amazon.awssdk.services.sagemaker.model.BlueGreenUpdatePolicy;
import software.amazon.awssdk.services.sagemaker.model.CapacitySize;
import software.amazon.awssdk.services.sagemaker.model.CaptureOption;
import software.amazon.awssdk.services.sagemaker.model.ContainerDefinition;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;
import software.amazon.awssdk.services.sagemaker.model.DataCaptureConfig;
import software.amazon.awssdk.services.sagemaker.model.DeploymentConfig;
import software.amazon.awssdk.services.sagemaker.model.InferenceExecutionConfig;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantServerlessConfig;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.TrafficRoutingConfig;
import software.amazon.awssdk.services.sagemaker.model.VpcConfig;

/**
 * What a SageMaker-backed Endpoint needs on SageMaker, planned from its spec (pure): one Model per variant, one
 * EndpointConfig, and the deployment configuration of an UpdateEndpoint. Models and configs are immutable on
 * SageMaker, so their names carry a hash of their content: an unchanged spec plans the same names (nothing to do),
 * any change plans new ones (create, then UpdateEndpoint, then delete the old ones once unused). This is what ACK's
 * users do by hand with three CRDs.
 */
public final class SageMakerEndpointPlan {
    private static final ObjectMapper CANONICAL =
            new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final int MAX_NAME = 63;

    /** The planned objects; {@code models} holds one request per distinct model (variants may share one). */
    public record Plan(
            String endpointName,
            Map<String, String> modelNameByVariant,
            List<CreateModelRequest> models,
            CreateEndpointConfigRequest endpointConfig,
            DeploymentConfig deployment) {}

    private SageMakerEndpointPlan() {}

    /** The SageMaker endpoint name: sagemaker.endpointName, else {@code <namespace>-<name>} (unique per account and region). */
    public static String endpointName(Endpoint endpoint) {
        EndpointSageMakerSettings sm = endpoint.getSpec().sagemaker;
        if (sm != null && sm.endpointName != null) {
            return sm.endpointName;
        }
        return ResourceNames.truncatedLabel(
                endpoint.getMetadata().getNamespace() + "-"
                        + endpoint.getMetadata().getName(),
                MAX_NAME);
    }

    /**
     * @param models the model of each variant with references (fromTrainingJob / fromTuningJob) already resolved to
     *               image and dataUri
     */
    public static Plan plan(Endpoint endpoint, Map<String, ModelSpec> models) {
        String endpointName = endpointName(endpoint);
        EndpointSageMakerSettings sm = endpoint.getSpec().sagemaker;
        Map<String, String> modelNames = new LinkedHashMap<>();
        Map<String, CreateModelRequest> distinct = new LinkedHashMap<>();
        for (Variant v : endpoint.getSpec().variants) {
            ModelSpec model = models.get(v.name);
            if (model == null) {
                throw new IllegalArgumentException("variant " + v.name + " has no resolved model");
            }
            String hash = hash(List.of(
                    model,
                    sm.roleArn,
                    String.valueOf(sm.vpc == null ? null : List.of(sm.vpc.subnets, sm.vpc.securityGroupIds)),
                    String.valueOf(sm.enableNetworkIsolation)));
            String name = ResourceNames.truncatedLabel(endpointName, MAX_NAME - 9) + "-" + hash;
            modelNames.put(v.name, name);
            distinct.computeIfAbsent(name, n -> createModel(endpoint, n, model));
        }
        List<ProductionVariant> variants = new ArrayList<>();
        for (Variant v : endpoint.getSpec().variants) {
            ProductionVariant.Builder pv = ProductionVariant.builder()
                    .variantName(v.name)
                    .modelName(modelNames.get(v.name))
                    .initialVariantWeight((float) (v.weight == null ? 1.0 : v.weight))
                    .containerStartupHealthCheckTimeoutInSeconds(v.startupTimeoutSeconds);
            if (v.serverless != null) {
                pv.serverlessConfig(ProductionVariantServerlessConfig.builder()
                        .memorySizeInMB(v.serverless.memorySizeMB)
                        .maxConcurrency(v.serverless.maxConcurrency)
                        .provisionedConcurrency(v.serverless.provisionedConcurrency)
                        .build());
            } else {
                pv.instanceType(v.instanceType).initialInstanceCount(v.instanceCount == null ? 1 : v.instanceCount);
            }
            variants.add(pv.build());
        }
        CreateEndpointConfigRequest.Builder config = CreateEndpointConfigRequest.builder()
                .productionVariants(variants)
                .kmsKeyId(sm.kmsKeyId);
        var async = endpoint.getSpec().async;
        if (async != null) {
            AsyncInferenceOutputConfig.Builder output = AsyncInferenceOutputConfig.builder()
                    .s3OutputPath(async.outputUri)
                    .s3FailurePath(async.failureUri)
                    .kmsKeyId(async.kmsKeyId);
            if (async.successTopicArn != null || async.errorTopicArn != null) {
                output.notificationConfig(AsyncInferenceNotificationConfig.builder()
                        .successTopic(async.successTopicArn)
                        .errorTopic(async.errorTopicArn)
                        .build());
            }
            config.asyncInferenceConfig(AsyncInferenceConfig.builder()
                    .outputConfig(output.build())
                    .clientConfig(
                            async.maxConcurrentInvocationsPerInstance == null
                                    ? null
                                    : AsyncInferenceClientConfig.builder()
                                            .maxConcurrentInvocationsPerInstance(
                                                    async.maxConcurrentInvocationsPerInstance)
                                            .build())
                    .build());
        }
        var capture = endpoint.getSpec().dataCapture;
        if (capture != null) {
            List<CaptureOption> options = new ArrayList<>();
            if (!Boolean.FALSE.equals(capture.captureInput)) {
                options.add(CaptureOption.builder().captureMode("Input").build());
            }
            if (!Boolean.FALSE.equals(capture.captureOutput)) {
                options.add(CaptureOption.builder().captureMode("Output").build());
            }
            config.dataCaptureConfig(DataCaptureConfig.builder()
                    .enableCapture(true)
                    .destinationS3Uri(capture.destinationUri)
                    .initialSamplingPercentage(capture.samplingPercent == null ? 100 : capture.samplingPercent)
                    .kmsKeyId(capture.kmsKeyId)
                    .captureOptions(options)
                    .build());
        }
        // The config's name hashes what it holds: the variants (with their models' names), async, data capture, KMS.
        String configHash = hash(List.of(
                variants.stream().map(ProductionVariant::toString).toList(),
                String.valueOf(async == null ? null : canonical(async)),
                String.valueOf(capture == null ? null : canonical(capture)),
                String.valueOf(sm.kmsKeyId)));
        String configName = ResourceNames.truncatedLabel(endpointName, MAX_NAME - 9) + "-" + configHash;
        CreateEndpointConfigRequest endpointConfig =
                config.endpointConfigName(configName).tags(tags(endpoint)).build();
        return new Plan(
                endpointName,
                modelNames,
                List.copyOf(distinct.values()),
                endpointConfig,
                deployment(endpoint.getSpec().deployment));
    }

    private static CreateModelRequest createModel(Endpoint endpoint, String name, ModelSpec model) {
        EndpointSageMakerSettings sm = endpoint.getSpec().sagemaker;
        CreateModelRequest.Builder request = CreateModelRequest.builder()
                .modelName(name)
                .executionRoleArn(sm.roleArn)
                .enableNetworkIsolation(sm.enableNetworkIsolation)
                .tags(tags(endpoint));
        if (sm.vpc != null) {
            request.vpcConfig(VpcConfig.builder()
                    .subnets(sm.vpc.subnets)
                    .securityGroupIds(sm.vpc.securityGroupIds)
                    .build());
        }
        if (model.pipeline != null && !model.pipeline.isEmpty()) {
            List<ContainerDefinition> containers = new ArrayList<>();
            for (PipelineContainer c : model.pipeline) {
                containers.add(container(c, null).containerHostname(c.name).build());
            }
            request.containers(containers)
                    .inferenceExecutionConfig(
                            InferenceExecutionConfig.builder().mode("Serial").build());
        } else {
            request.primaryContainer(
                    container(model, model.mode == ModelSpec.Mode.MultiModel ? "MultiModel" : "SingleModel")
                            .build());
        }
        return request.build();
    }

    private static ContainerDefinition.Builder container(ModelSource source, String mode) {
        return ContainerDefinition.builder()
                .image(source.image)
                .modelDataUrl(source.dataUri)
                .mode(mode)
                .environment(source.environment == null ? null : new TreeMap<>(source.environment));
    }

    /** UpdateEndpoint's blue/green deployment: all at once, canary or linear traffic shifting, alarms that roll back. */
    static DeploymentConfig deployment(DeploymentPolicy policy) {
        if (policy == null) {
            return null;
        }
        TrafficRoutingConfig.Builder routing = TrafficRoutingConfig.builder();
        DeploymentPolicy.Strategy strategy =
                policy.strategy == null ? DeploymentPolicy.Strategy.AllAtOnce : policy.strategy;
        switch (strategy) {
            case Canary ->
                routing.type("CANARY")
                        .canarySize(percent(policy.canary.trafficPercent))
                        .waitIntervalInSeconds(policy.canary.waitSeconds);
            case Linear ->
                routing.type("LINEAR")
                        .linearStepSize(percent(policy.linear.trafficPercent))
                        .waitIntervalInSeconds(policy.linear.waitSeconds);
            default -> routing.type("ALL_AT_ONCE").waitIntervalInSeconds(0);
        }
        DeploymentConfig.Builder config = DeploymentConfig.builder()
                .blueGreenUpdatePolicy(BlueGreenUpdatePolicy.builder()
                        .trafficRoutingConfiguration(routing.build())
                        .terminationWaitInSeconds(policy.terminationWaitSeconds)
                        .maximumExecutionTimeoutInSeconds(policy.maxUpdateSeconds)
                        .build());
        if (policy.rollbackAlarms != null && !policy.rollbackAlarms.isEmpty()) {
            config.autoRollbackConfiguration(AutoRollbackConfig.builder()
                    .alarms(policy.rollbackAlarms.stream()
                            .map(a -> Alarm.builder().alarmName(a).build())
                            .toList())
                    .build());
        }
        return config.build();
    }

    private static CapacitySize percent(Integer value) {
        return CapacitySize.builder().type("CAPACITY_PERCENT").value(value).build();
    }

    private static List<Tag> tags(Endpoint endpoint) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (endpoint.getSpec().sagemaker.tags != null) {
            tags.putAll(endpoint.getSpec().sagemaker.tags);
        }
        tags.put("mlforge.io/namespace", endpoint.getMetadata().getNamespace());
        tags.put("mlforge.io/name", endpoint.getMetadata().getName());
        tags.put("mlforge.io/uid", endpoint.getMetadata().getUid());
        return tags.entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
    }

    private static String canonical(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** First 8 hex digits of SHA-256 of the canonical JSON of {@code content}. */
    static String hash(Object content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical(content).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
