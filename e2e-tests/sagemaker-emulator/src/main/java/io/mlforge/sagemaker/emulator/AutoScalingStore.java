package io.mlforge.sagemaker.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Application Auto Scaling for SageMaker variants: scalable targets and target-tracking policies. */
final class AutoScalingStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, ObjectNode> targets = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> policies = new ConcurrentHashMap<>();
    private final SageMakerEmulator emulator;

    AutoScalingStore(SageMakerEmulator emulator) {
        this.emulator = emulator;
    }

    private static String key(JsonNode r) {
        return r.path("ServiceNamespace").asText() + "|" + r.path("ResourceId").asText() + "|"
                + r.path("ScalableDimension").asText();
    }

    ObjectNode registerScalableTarget(JsonNode request) {
        Checks.required(request, "ServiceNamespace", "serviceNamespace");
        String resourceId = Checks.required(request, "ResourceId", "resourceId").asText();
        Checks.required(request, "ScalableDimension", "scalableDimension");
        if (!resourceId.matches("^endpoint/[^/]+/variant/[^/]+$")) {
            throw AwsError.validation("Unsupported resource ID: " + resourceId);
        }
        ObjectNode target = targets.computeIfAbsent(key(request), k -> JSON.createObjectNode());
        target.put("ServiceNamespace", request.path("ServiceNamespace").asText());
        target.put("ResourceId", resourceId);
        target.put("ScalableDimension", request.path("ScalableDimension").asText());
        if (request.has("MinCapacity")) {
            target.put("MinCapacity", request.get("MinCapacity").asInt());
        }
        if (request.has("MaxCapacity")) {
            target.put("MaxCapacity", request.get("MaxCapacity").asInt());
        }
        if (target.path("MinCapacity").asInt() > target.path("MaxCapacity").asInt(Integer.MAX_VALUE)) {
            throw AwsError.validation("Minimum capacity cannot be greater than maximum capacity");
        }
        target.put("RoleARN", emulator.arn("role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com"));
        ObjectNode response = JSON.createObjectNode();
        response.put(
                "ScalableTargetARN",
                emulator.arn(
                        "scalable-target/" + Integer.toHexString(key(request).hashCode())));
        return response;
    }

    ObjectNode describeScalableTargets(JsonNode request) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("ScalableTargets");
        targets.values().stream().filter(t -> matches(t, request)).forEach(list::add);
        return response;
    }

    ObjectNode deregisterScalableTarget(JsonNode request) {
        if (targets.remove(key(request)) == null) {
            throw new AwsError(
                    "ObjectNotFoundException",
                    400,
                    "No scalable target found for service namespace: "
                            + request.path("ServiceNamespace").asText() + ", resource ID: "
                            + request.path("ResourceId").asText());
        }
        policies.keySet().removeIf(k -> k.endsWith("|" + key(request)));
        return JSON.createObjectNode();
    }

    /** The predefined metrics Application Auto Scaling offers for SageMaker variants and inference components. */
    static final java.util.List<String> SAGEMAKER_METRICS = java.util.List.of(
            "SageMakerVariantInvocationsPerInstance",
            "SageMakerVariantProvisionedConcurrencyUtilization",
            "SageMakerVariantConcurrentRequestsPerModelHighResolution",
            "SageMakerInferenceComponentInvocationsPerCopy",
            "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution");

    ObjectNode putScalingPolicy(JsonNode request) {
        String name = Checks.required(request, "PolicyName", "policyName").asText();
        if (!targets.containsKey(key(request))) {
            throw new AwsError(
                    "ObjectNotFoundException",
                    400,
                    "No scalable target registered for service namespace: "
                            + request.path("ServiceNamespace").asText() + ", resource ID: "
                            + request.path("ResourceId").asText());
        }
        String metric = request.path("TargetTrackingScalingPolicyConfiguration")
                .path("PredefinedMetricSpecification")
                .path("PredefinedMetricType")
                .asText("");
        if (!metric.isEmpty() && !SAGEMAKER_METRICS.contains(metric)) {
            // as Application Auto Scaling: a predefined metric of another service, or none at all
            throw new AwsError(
                    "ValidationException",
                    400,
                    "Unsupported predefined metric type " + metric + " for service namespace "
                            + request.path("ServiceNamespace").asText() + "; supported: " + SAGEMAKER_METRICS);
        }
        ObjectNode policy = request.deepCopy();
        policy.put("PolicyARN", emulator.arn("scaling-policy/" + name));
        policies.put(name + "|" + key(request), policy);
        ObjectNode response = JSON.createObjectNode();
        response.put("PolicyARN", policy.get("PolicyARN").asText());
        return response;
    }

    ObjectNode describeScalingPolicies(JsonNode request) {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("ScalingPolicies");
        policies.values().stream().filter(p -> matches(p, request)).forEach(list::add);
        return response;
    }

    ObjectNode deleteScalingPolicy(JsonNode request) {
        if (policies.remove(request.path("PolicyName").asText() + "|" + key(request)) == null) {
            throw new AwsError(
                    "ObjectNotFoundException",
                    400,
                    "No scaling policy found for service namespace: "
                            + request.path("ServiceNamespace").asText() + ", resource ID: "
                            + request.path("ResourceId").asText()
                            + ", scalable dimension: "
                            + request.path("ScalableDimension").asText() + ", policy name: "
                            + request.path("PolicyName").asText());
        }
        return JSON.createObjectNode();
    }

    private static boolean matches(JsonNode item, JsonNode request) {
        if (!item.path("ServiceNamespace")
                .asText()
                .equals(request.path("ServiceNamespace").asText())) {
            return false;
        }
        JsonNode ids = request.get("ResourceIds");
        if (ids != null && ids.size() > 0) {
            boolean found = false;
            for (JsonNode id : ids) {
                found |= id.asText().equals(item.path("ResourceId").asText());
            }
            return found;
        }
        return !request.hasNonNull("ResourceId")
                || request.get("ResourceId")
                        .asText()
                        .equals(item.path("ResourceId").asText());
    }
}
