package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * A served model. Unlike a TrainingJob it is meant to change: every edit of model, variants, autoscaling or
 * deployment rolls out as a blue/green update. Only backend, region, endpoint name and sync/async mode are fixed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.variants.exists(v, !has(v.weight) || v.weight > 0.0)",
        message = "at least one variant needs a weight above 0: with all weights 0 no request could be routed",
        fieldPath = ".variants")
@ValidationRule(
        value = "has(self.model) || self.variants.all(v, has(v.model))",
        message = "set spec.model, or a model in every variant",
        reason = "FieldValueRequired")
@ValidationRule(
        value = "self.backend != 'SageMaker' || (has(self.sagemaker) && has(self.sagemaker.roleArn))",
        message = "backend SageMaker needs sagemaker.roleArn: the IAM role SageMaker runs the model as",
        reason = "FieldValueRequired")
@ValidationRule(
        value =
                "self.backend != 'SageMaker' || self.variants.all(v, has(v.serverless) || (has(v.instanceType) && v.instanceType.startsWith('ml.')))",
        message = "backend SageMaker needs instanceType (an ml.* type) on every variant that is not serverless",
        reason = "FieldValueRequired")
@ValidationRule(
        value = "self.backend == 'SageMaker' || self.variants.all(v, !has(v.serverless))",
        message = "serverless variants need backend SageMaker; in the cluster use instanceCount and autoscaling")
@ValidationRule(
        value = "self.backend == 'SageMaker' || (!has(self.async) && !has(self.dataCapture))",
        message = "async and dataCapture need backend SageMaker")
@ValidationRule(
        value = "!has(self.async) || self.variants.all(v, !has(v.serverless))",
        message = "asynchronous endpoints cannot have serverless variants")
@ValidationRule(
        value = "self.variants.all(v, !has(v.autoscaling) || v.autoscaling.minInstances >= 1 || has(self.async))",
        message =
                "autoscaling.minInstances 0 (scale to zero) is for asynchronous SageMaker endpoints only, where SageMaker queues requests while an instance starts; in the cluster nothing holds a request during a cold start, so keep at least 1")
@ValidationRule(
        value =
                "self.backend == 'Kubernetes' || self.variants.all(v, !has(v.autoscaling) || (has(v.autoscaling.targetInvocationsPerInstance) != has(v.autoscaling.targetConcurrency) && !has(v.autoscaling.targetCpuUtilizationPercent)))",
        message =
                "SageMaker autoscaling tracks one metric: set targetInvocationsPerInstance or targetConcurrency (targetCpuUtilizationPercent is for backend Kubernetes)")
@ValidationRule(
        value =
                "self.backend != 'SageMaker' || ((!has(self.model) || ((!has(self.model.dataUri) || self.model.dataUri.startsWith('s3://')) && (!has(self.model.pipeline) || self.model.pipeline.all(c, !has(c.dataUri) || c.dataUri.startsWith('s3://'))))) && self.variants.all(v, !has(v.model) || !has(v.model.dataUri) || v.model.dataUri.startsWith('s3://')))",
        message = "backend SageMaker loads models from S3 only: pvc:// needs backend Kubernetes")
@ValidationRule(
        value = "self.backend == 'SageMaker' || !has(self.deployment) || !has(self.deployment.rollbackAlarms)",
        message = "deployment.rollbackAlarms are CloudWatch alarms and need backend SageMaker")
// Mutability.
@ValidationRule(
        value = "self.backend == oldSelf.backend",
        message =
                "backend is immutable: create a new Endpoint on the other backend, move traffic, then delete this one",
        reason = "FieldValueForbidden")
@ValidationRule(
        value =
                "((has(self.sagemaker) && has(self.sagemaker.region)) == (has(oldSelf.sagemaker) && has(oldSelf.sagemaker.region)) && (!has(self.sagemaker) || !has(self.sagemaker.region) || self.sagemaker.region == oldSelf.sagemaker.region)) && ((has(self.sagemaker) && has(self.sagemaker.endpointName)) == (has(oldSelf.sagemaker) && has(oldSelf.sagemaker.endpointName)) && (!has(self.sagemaker) || !has(self.sagemaker.endpointName) || self.sagemaker.endpointName == oldSelf.sagemaker.endpointName))",
        message = "sagemaker.region and sagemaker.endpointName are immutable: an endpoint cannot move or be renamed",
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "has(self.async) == has(oldSelf.async)",
        message = "an endpoint cannot switch between real-time and asynchronous inference: create a new Endpoint",
        reason = "FieldValueForbidden")
@JsonClassDescription(
        "The model, its variants and how updates roll out. Changes roll out blue/green; backend, region, endpoint name and sync/async mode are fixed.")
public class EndpointSpec {
    @Default("Kubernetes")
    @JsonPropertyDescription(
            "Where the model is served: Kubernetes (Deployments and Services in this cluster) or SageMaker (Model, EndpointConfig and Endpoint). Immutable.")
    public Backend backend;

    @JsonPropertyDescription("The model to serve (required unless every variant has its own).")
    public ModelSpec model;

    @Required
    @Size(min = 1, max = 10)
    @UniqueBy("name")
    @JsonPropertyDescription("Variants (1 to 10) that share the traffic by weight.")
    public List<Variant> variants;

    @JsonPropertyDescription(
            "How updates reach traffic (blue/green, optionally canary or linear, with automatic rollback).")
    public DeploymentPolicy deployment;

    @JsonPropertyDescription(
            "Make the endpoint asynchronous (backend SageMaker). Cannot be added or removed after creation.")
    public AsyncInferenceConfig async;

    @JsonPropertyDescription("Capture requests and responses to S3 (backend SageMaker).")
    public DataCaptureConfig dataCapture;

    @JsonPropertyDescription(
            "Delete (default) or Retain the SageMaker endpoint, configs and models when this resource is deleted. In-cluster objects are always deleted.")
    public ResourceDeletionPolicy deletionPolicy;

    @JsonPropertyDescription("Settings for backend Kubernetes (ignored by backend SageMaker).")
    public EndpointKubernetesSettings kubernetes;

    @JsonPropertyDescription("Settings for backend SageMaker (ignored by backend Kubernetes).")
    public EndpointSageMakerSettings sagemaker;
}
