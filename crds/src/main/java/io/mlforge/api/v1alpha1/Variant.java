package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A group of instances serving a share of the traffic (a SageMaker production variant; a Deployment in the cluster). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "!has(self.serverless) || (!has(self.instanceType) && !has(self.instanceCount) && !has(self.autoscaling) && !has(self.gpusPerInstance))",
        message =
                "a serverless variant has no instanceType, instanceCount, gpusPerInstance or autoscaling: SageMaker scales it")
@ValidationRule(
        value =
                "!has(self.autoscaling) || !has(self.instanceCount) || (self.instanceCount >= self.autoscaling.minInstances && self.instanceCount <= self.autoscaling.maxInstances)",
        message = "instanceCount must lie within autoscaling.minInstances and maxInstances")
public class Variant {
    @Required
    @Size(min = 1, max = 63)
    @Pattern(ApiConstants.SAGEMAKER_NAME)
    @JsonPropertyDescription("Variant name, e.g. primary or canary.")
    public String name;

    @Default("1")
    @Min(0)
    @JsonPropertyDescription(
            "Relative share of traffic: this weight divided by the sum of all weights. 0 routes no traffic to the variant (it stays deployed). On SageMaker a change of weights or instance counts alone is applied in place (UpdateEndpointWeightsAndCapacities), not as a new deployment.")
    public Double weight;

    @Size(max = 64)
    @Pattern(ApiConstants.INSTANCE_TYPE)
    @JsonPropertyDescription(
            "Instance type, e.g. ml.g5.xlarge. Required by SageMaker for instance-based variants; in the cluster it selects nodes by instance-type label (without the ml. prefix).")
    public String instanceType;

    @Min(1)
    @Max(1000)
    @JsonPropertyDescription(
            "Number of instances (replicas in the cluster). Defaults to 1, or autoscaling.minInstances.")
    public Integer instanceCount;

    @Min(0)
    @Max(64)
    @JsonPropertyDescription("GPUs per replica (backend Kubernetes).")
    public Integer gpusPerInstance;

    @JsonPropertyDescription("Make this a SageMaker serverless variant instead of instance-based (backend SageMaker).")
    public ServerlessConfig serverless;

    @JsonPropertyDescription("Scale the variant's instances with load.")
    public AutoscalingConfig autoscaling;

    @JsonPropertyDescription(
            "A model for this variant only (e.g. A/B tests between model versions); otherwise spec.model.")
    public ModelSpec model;

    @Min(60)
    @Max(3600)
    @JsonPropertyDescription("Seconds a new instance may take to pass its health check (large models load slowly).")
    public Integer startupTimeoutSeconds;
}
