package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Scale a variant's instances with load: Application Auto Scaling on SageMaker; in the cluster a KEDA ScaledObject
 * (request targets, when KEDA is installed) or a HorizontalPodAutoscaler.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.minInstances <= self.maxInstances",
        message = "autoscaling.minInstances cannot exceed maxInstances")
@ValidationRule(
        value =
                "has(self.targetInvocationsPerInstance) || has(self.targetConcurrency) || has(self.targetCpuUtilizationPercent)",
        message =
                "autoscaling needs a target: targetInvocationsPerInstance, targetConcurrency or targetCpuUtilizationPercent",
        reason = "FieldValueRequired")
public class AutoscalingConfig {
    @Required
    @Min(0)
    @Max(1000)
    @JsonPropertyDescription("Fewest instances. 0 (scale to zero) is allowed for asynchronous endpoints only.")
    public Integer minInstances;

    @Required
    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("Most instances.")
    public Integer maxInstances;

    @Min(0)
    @JsonPropertyDescription(
            "Target invocations per instance per minute: 600 is 10 requests per second per instance. SageMaker: target tracking on SageMakerVariantInvocationsPerInstance. Cluster: the serving pods' request rate (mlforge_serving_requests_total, counted by the request router in each pod), through KEDA or an HPA on a custom metric.")
    public Double targetInvocationsPerInstance;

    @Min(value = 0, inclusive = false)
    @Max(10000)
    @JsonPropertyDescription(
            "Target concurrent requests per instance (in flight: received and not yet answered), the signal KServe and SageMaker HyperPod scale GPU inference on. SageMaker: target tracking on SageMakerVariantConcurrentRequestsPerModelHighResolution. Cluster: mlforge_serving_requests_in_flight from the request router in each serving pod, through KEDA or an HPA on a custom metric.")
    public Double targetConcurrency;

    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Target CPU utilisation in percent (backend Kubernetes only).")
    public Integer targetCpuUtilizationPercent;

    @Min(0)
    @Max(86400)
    @JsonPropertyDescription("Seconds after a scale-in before the next scale-in.")
    public Integer scaleInCooldownSeconds;

    @Min(0)
    @Max(86400)
    @JsonPropertyDescription("Seconds after a scale-out before the next scale-out.")
    public Integer scaleOutCooldownSeconds;
}
