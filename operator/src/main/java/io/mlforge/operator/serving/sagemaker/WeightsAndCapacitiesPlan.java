package io.mlforge.operator.serving.sagemaker;

import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sagemaker.model.AsyncInferenceConfig;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.DataCaptureConfig;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DesiredWeightAndCapacity;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;

/**
 * Changes SageMaker applies in place with UpdateEndpointWeightsAndCapacities (pure): variant weights, and instance
 * counts, on the instances already running. Two endpoint configs have the same {@link Shape} when they differ in
 * nothing else; then the config in service stays and only the weights and counts are brought to the spec, with no
 * second fleet. SageMaker changes the capacity of one variant per call (weights of any number), so a change of
 * several counts takes several calls, one after the other. A variant that autoscales keeps the count its scalable
 * target chose: only Application Auto Scaling changes it.
 */
public final class WeightsAndCapacitiesPlan {
    /** Weights differing by less than this are equal (SageMaker stores them as 32-bit floats). */
    private static final double WEIGHT_TOLERANCE = 1e-6;

    /** What an endpoint config holds apart from its variants' initial weights and instance counts. */
    public record Shape(
            List<ProductionVariant> variants, AsyncInferenceConfig async, DataCaptureConfig capture, String kmsKeyId) {}

    private WeightsAndCapacitiesPlan() {}

    public static Shape shape(CreateEndpointConfigRequest config) {
        return new Shape(
                variants(config.productionVariants()),
                config.asyncInferenceConfig(),
                config.dataCaptureConfig(),
                config.kmsKeyId());
    }

    public static Shape shape(DescribeEndpointConfigResponse config) {
        return new Shape(
                variants(config.productionVariants()),
                config.asyncInferenceConfig(),
                config.dataCaptureConfig(),
                config.kmsKeyId());
    }

    /** The fields MLForge sets on a variant, without the two UpdateEndpointWeightsAndCapacities changes. */
    private static List<ProductionVariant> variants(List<ProductionVariant> variants) {
        return variants.stream()
                .map(v -> ProductionVariant.builder()
                        .variantName(v.variantName())
                        .modelName(v.modelName())
                        .instanceType(v.instanceType())
                        .serverlessConfig(v.serverlessConfig())
                        .containerStartupHealthCheckTimeoutInSeconds(v.containerStartupHealthCheckTimeoutInSeconds())
                        .build())
                .toList();
    }

    /**
     * The next UpdateEndpointWeightsAndCapacities request's entries that bring the endpoint's variants (as DescribeEndpoint
     * reports them) to the spec: every variant whose desired weight differs, and the first variant (in spec order)
     * whose desired instance count differs and that does not autoscale. Empty when nothing differs.
     */
    public static List<DesiredWeightAndCapacity> next(Endpoint endpoint, List<ProductionVariantSummary> described) {
        Map<String, ProductionVariantSummary> byName = described.stream()
                .collect(Collectors.toMap(ProductionVariantSummary::variantName, Function.identity(), (a, b) -> a));
        List<DesiredWeightAndCapacity> changes = new ArrayList<>();
        boolean capacityTaken = false;
        for (Variant v : endpoint.getSpec().variants) {
            ProductionVariantSummary s = byName.get(v.name);
            if (s == null) {
                continue; // not a weight or capacity change: the shapes differ, and the update is blue/green
            }
            double weight = v.weight == null ? 1.0 : v.weight;
            boolean weightDiffers =
                    s.desiredWeight() == null || Math.abs(s.desiredWeight() - weight) > WEIGHT_TOLERANCE;
            int count = v.instanceCount == null ? 1 : v.instanceCount;
            boolean countDiffers = !capacityTaken
                    && v.serverless == null
                    && v.autoscaling == null
                    && s.desiredInstanceCount() != null
                    && s.desiredInstanceCount() != count;
            if (!weightDiffers && !countDiffers) {
                continue;
            }
            DesiredWeightAndCapacity.Builder change =
                    DesiredWeightAndCapacity.builder().variantName(v.name);
            if (weightDiffers) {
                change.desiredWeight((float) weight);
            }
            if (countDiffers) {
                change.desiredInstanceCount(count);
                capacityTaken = true;
            }
            changes.add(change.build());
        }
        return changes;
    }

    /** One line for status and Events, e.g. {@code primary weight 0.5, canary weight 0.5 instances 3}. */
    public static String describe(List<DesiredWeightAndCapacity> changes) {
        return changes.stream()
                .map(c -> c.variantName()
                        + (c.desiredWeight() == null
                                ? ""
                                : " weight "
                                        + Double.parseDouble(c.desiredWeight().toString()))
                        + (c.desiredInstanceCount() == null ? "" : " instances " + c.desiredInstanceCount()))
                .collect(Collectors.joining(", "));
    }
}
