package io.mlforge.operator.serving.sagemaker;

import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.Variant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PredefinedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingScalingPolicyConfiguration;

/**
 * Autoscaling of a SageMaker endpoint's variants through Application Auto Scaling (pure): per variant with
 * spec.autoscaling a scalable target (instance count between min and max) and a target-tracking policy with the
 * cooldowns, on SageMakerVariantInvocationsPerInstance (targetInvocationsPerInstance) or on the high-resolution
 * concurrency metric SageMakerVariantConcurrentRequestsPerModelHighResolution (targetConcurrency). The policy's name
 * stays "-invocations" whatever the metric (it predates the concurrency target): PutScalingPolicy under the same name
 * replaces the policy in place when the metric changes, leaving none behind.
 */
public final class EndpointAutoscalingPlan {
    /** What one variant needs. */
    public record VariantScaling(
            String resourceId, RegisterScalableTargetRequest target, PutScalingPolicyRequest policy) {}

    /** Concurrent requests per model container, published every 10 seconds. */
    static final String CONCURRENCY_METRIC = "SageMakerVariantConcurrentRequestsPerModelHighResolution";

    private EndpointAutoscalingPlan() {}

    public static String resourceId(String endpointName, String variant) {
        return "endpoint/" + endpointName + "/variant/" + variant;
    }

    public static List<VariantScaling> plan(Endpoint endpoint, String endpointName) {
        List<VariantScaling> result = new ArrayList<>();
        for (Variant v : endpoint.getSpec().variants) {
            if (v.autoscaling == null || v.serverless != null) {
                continue;
            }
            String resourceId = resourceId(endpointName, v.name);
            RegisterScalableTargetRequest target = RegisterScalableTargetRequest.builder()
                    .serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId(resourceId)
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                    .minCapacity(v.autoscaling.minInstances)
                    .maxCapacity(v.autoscaling.maxInstances)
                    .build();
            PutScalingPolicyRequest policy = PutScalingPolicyRequest.builder()
                    .policyName(endpointName + "-" + v.name + "-invocations")
                    .serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId(resourceId)
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                    .policyType(PolicyType.TARGET_TRACKING_SCALING)
                    .targetTrackingScalingPolicyConfiguration(TargetTrackingScalingPolicyConfiguration.builder()
                            .targetValue(
                                    v.autoscaling.targetConcurrency != null
                                            ? v.autoscaling.targetConcurrency
                                            : v.autoscaling.targetInvocationsPerInstance)
                            .predefinedMetricSpecification(PredefinedMetricSpecification.builder()
                                    .predefinedMetricType(
                                            v.autoscaling.targetConcurrency != null
                                                    ? CONCURRENCY_METRIC
                                                    : MetricType.SAGE_MAKER_VARIANT_INVOCATIONS_PER_INSTANCE.toString())
                                    .build())
                            .scaleInCooldown(v.autoscaling.scaleInCooldownSeconds)
                            .scaleOutCooldown(v.autoscaling.scaleOutCooldownSeconds)
                            .build())
                    .build();
            result.add(new VariantScaling(resourceId, target, policy));
        }
        return result;
    }
}
