package io.mlforge.operator.serving.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlforge.agent.RequestMeter;
import io.mlforge.api.v1alpha1.AutoscalingConfig;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.Variant;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The autoscaler of one in-cluster variant (pure). CPU targets become a HorizontalPodAutoscaler on CPU utilisation.
 * Request targets (targetConcurrency: requests in flight per replica; targetInvocationsPerInstance: requests per minute
 * per replica) are measured by the request router in every serving pod ({@link #IN_FLIGHT}, {@link #REQUESTS}) and
 * scale through a KEDA ScaledObject with Prometheus triggers where KEDA is installed, or through an HPA on the
 * per-pod custom metrics {@link #IN_FLIGHT} and {@link #REQUESTS_PER_SECOND}, which a metrics adapter (for example
 * prometheus-adapter, rules in the README) serves. Either way the autoscaler owns the Deployment's replica count
 * between minInstances and maxInstances, with the cooldowns as stabilisation windows. Scale to zero is refused by the
 * CRD: nothing in the cluster holds a request while the first replica starts.
 */
public final class VariantAutoscaling {
    public static final String IN_FLIGHT = RequestMeter.IN_FLIGHT;
    public static final String REQUESTS = RequestMeter.REQUESTS;
    /** The per-pod request rate as a metrics adapter names it for the HPA (rate of {@link #REQUESTS} over 1 minute). */
    public static final String REQUESTS_PER_SECOND = "mlforge_serving_requests_per_second";

    static final String NAMESPACE_LABEL = RequestMeter.NAMESPACE_LABEL;
    static final String ENDPOINT_LABEL = RequestMeter.ENDPOINT_LABEL;
    static final String VARIANT_LABEL = RequestMeter.VARIANT_LABEL;

    public static final ResourceDefinitionContext SCALED_OBJECT = new ResourceDefinitionContext.Builder()
            .withGroup("keda.sh")
            .withVersion("v1alpha1")
            .withKind("ScaledObject")
            .withPlural("scaledobjects")
            .withNamespaced(true)
            .build();

    private static final int DEFAULT_CPU_PERCENT = 70;

    /** Which object scales a variant on request targets. */
    public enum Scaler {
        KEDA,
        HPA
    }

    private VariantAutoscaling() {}

    /** Whether the variant scales on requests, so its pods need the request router's metrics. */
    public static boolean onRequests(Variant v) {
        return v.autoscaling != null
                && (v.autoscaling.targetConcurrency != null || v.autoscaling.targetInvocationsPerInstance != null);
    }

    /** The HPA of a variant: CPU targets always, request targets when KEDA does not scale it. */
    public static HorizontalPodAutoscaler hpa(Variant v, ObjectMeta meta, String deployment) {
        AutoscalingConfig a = v.autoscaling;
        List<MetricSpec> metrics = new ArrayList<>();
        if (a.targetCpuUtilizationPercent != null || !onRequests(v)) {
            metrics.add(new MetricSpecBuilder()
                    .withType("Resource")
                    .withNewResource()
                    .withName("cpu")
                    .withNewTarget()
                    .withType("Utilization")
                    .withAverageUtilization(
                            a.targetCpuUtilizationPercent == null ? DEFAULT_CPU_PERCENT : a.targetCpuUtilizationPercent)
                    .endTarget()
                    .endResource()
                    .build());
        }
        if (a.targetConcurrency != null) {
            metrics.add(podsMetric(IN_FLIGHT, a.targetConcurrency));
        }
        if (a.targetInvocationsPerInstance != null) {
            metrics.add(podsMetric(REQUESTS_PER_SECOND, a.targetInvocationsPerInstance / 60.0));
        }
        var spec = new HorizontalPodAutoscalerBuilder()
                .withMetadata(meta)
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(deployment)
                .endScaleTargetRef()
                .withMinReplicas(a.minInstances)
                .withMaxReplicas(a.maxInstances)
                .withMetrics(metrics);
        if (a.scaleInCooldownSeconds != null || a.scaleOutCooldownSeconds != null) {
            spec = spec.withNewBehavior()
                    .withNewScaleDown()
                    .withStabilizationWindowSeconds(a.scaleInCooldownSeconds)
                    .endScaleDown()
                    .withNewScaleUp()
                    .withStabilizationWindowSeconds(a.scaleOutCooldownSeconds)
                    .endScaleUp()
                    .endBehavior();
        }
        return spec.endSpec().build();
    }

    /**
     * The KEDA ScaledObject of a variant with request targets: one Prometheus trigger per request target (KEDA's
     * HPA divides the query's sum over the variant's pods by the threshold, as an AverageValue target), plus KEDA's cpu
     * trigger for a CPU target.
     */
    public static GenericKubernetesResource scaledObject(
            Endpoint endpoint, Variant v, ObjectMeta meta, String deployment, String prometheusAddress) {
        AutoscalingConfig a = v.autoscaling;
        String selector = "{" + NAMESPACE_LABEL + "=\"" + endpoint.getMetadata().getNamespace() + "\","
                + ENDPOINT_LABEL + "=\"" + endpoint.getMetadata().getName() + "\"," + VARIANT_LABEL + "=\"" + v.name
                + "\"}";
        List<Map<String, Object>> triggers = new ArrayList<>();
        if (a.targetConcurrency != null) {
            triggers.add(prometheus(
                    "concurrency", prometheusAddress, "sum(" + IN_FLIGHT + selector + ")", a.targetConcurrency));
        }
        if (a.targetInvocationsPerInstance != null) {
            triggers.add(prometheus(
                    "requests-per-second",
                    prometheusAddress,
                    "sum(rate(" + REQUESTS + selector + "[1m]))",
                    a.targetInvocationsPerInstance / 60.0));
        }
        if (a.targetCpuUtilizationPercent != null) {
            triggers.add(ordered(
                    "type",
                    "cpu",
                    "metricType",
                    "Utilization",
                    "metadata",
                    ordered("value", Integer.toString(a.targetCpuUtilizationPercent))));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("scaleTargetRef", ordered("apiVersion", "apps/v1", "kind", "Deployment", "name", deployment));
        spec.put("minReplicaCount", a.minInstances);
        spec.put("maxReplicaCount", a.maxInstances);
        spec.put("pollingInterval", 15);
        if (a.scaleInCooldownSeconds != null || a.scaleOutCooldownSeconds != null) {
            Map<String, Object> behavior = new LinkedHashMap<>();
            if (a.scaleInCooldownSeconds != null) {
                behavior.put("scaleDown", ordered("stabilizationWindowSeconds", a.scaleInCooldownSeconds));
            }
            if (a.scaleOutCooldownSeconds != null) {
                behavior.put("scaleUp", ordered("stabilizationWindowSeconds", a.scaleOutCooldownSeconds));
            }
            spec.put("advanced", ordered("horizontalPodAutoscalerConfig", ordered("behavior", behavior)));
        }
        spec.put("triggers", triggers);
        GenericKubernetesResource scaledObject = new GenericKubernetesResource();
        scaledObject.setApiVersion(SCALED_OBJECT.getGroup() + "/" + SCALED_OBJECT.getVersion());
        scaledObject.setKind(SCALED_OBJECT.getKind());
        scaledObject.setMetadata(meta);
        scaledObject.setAdditionalProperty("spec", spec);
        return scaledObject;
    }

    private static Map<String, Object> prometheus(String name, String address, String query, double threshold) {
        return ordered(
                "type",
                "prometheus",
                "name",
                name,
                "metricType",
                "AverageValue",
                "metadata",
                ordered("serverAddress", address, "query", query, "threshold", decimal(threshold)));
    }

    /**
     * A map in the order given. Map.of iterates in an order salted per JVM, which would make the desired hash (of the
     * JSON) differ after every operator restart and rewrite unchanged objects.
     */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static MetricSpec podsMetric(String name, double averageValue) {
        return new MetricSpecBuilder()
                .withType("Pods")
                .withNewPods()
                .withNewMetric()
                .withName(name)
                .endMetric()
                .withNewTarget()
                .withType("AverageValue")
                .withAverageValue(new Quantity(milli(averageValue)))
                .endTarget()
                .endPods()
                .build();
    }

    /** A plain decimal with at most three places ("2.5", "0.167"), as KEDA's thresholds are written. */
    static String decimal(double value) {
        return BigDecimal.valueOf(value)
                .setScale(3, RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
    }

    /** A quantity in whole units where it is one ("4"), otherwise in thousandths ("167m"). */
    static String milli(double value) {
        long thousandths = Math.max(1, Math.round(value * 1000));
        return thousandths % 1000 == 0 ? Long.toString(thousandths / 1000) : thousandths + "m";
    }
}
