package io.mlforge.operator.serving.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.ModelSpec;
import io.mlforge.api.v1alpha1.Variant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServingPlannerTest {
    static final ServingPlanner.Settings SETTINGS = new ServingPlanner.Settings(
            "ghcr.io/mlforge/mlforge-operator:0.1.0",
            "nvidia.com/gpu",
            Optional.of("http://s3.local:9000"),
            true,
            VariantAutoscaling.Scaler.HPA,
            "http://prometheus.monitoring.svc:9090",
            "/var/lib/mlforge/model-cache");
    static final ServingPlanner.Settings WITH_KEDA = new ServingPlanner.Settings(
            SETTINGS.dataAgentImage(),
            SETTINGS.gpuResourceName(),
            SETTINGS.s3Endpoint(),
            SETTINGS.s3PathStyle(),
            VariantAutoscaling.Scaler.KEDA,
            SETTINGS.prometheusAddress(),
            SETTINGS.modelCacheHostPath());

    static Endpoint endpoint(String variants) {
        return Serialization.unmarshal("""
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: churn, namespace: ml, uid: 11111111-2222-3333-4444-555555555555}
                spec:
                  model: {image: "xgb:1", dataUri: "s3://bucket/m/model.tar.gz", environment: {B: "2", A: "1"}}
                  variants:
                """ + variants, Endpoint.class);
    }

    static ServingPlanner.Desired plan(Endpoint e) {
        return plan(e, SETTINGS);
    }

    static ServingPlanner.Desired plan(Endpoint e, ServingPlanner.Settings settings) {
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        for (Variant v : e.getSpec().variants) {
            models.put(v.name, v.model != null ? v.model : e.getSpec().model);
        }
        return ServingPlanner.plan(e, models, settings);
    }

    @Test
    void aVariantIsADeploymentWithTheSageMakerServingContract() {
        var d = plan(endpoint("    - {name: main, instanceCount: 3, gpusPerInstance: 1}\n"))
                .deployments()
                .get(0);
        assertThat(d.getMetadata().getName()).isEqualTo("churn-main");
        assertThat(d.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getUid()).startsWith("11111111"));
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal())
                .isZero();
        var pod = d.getSpec().getTemplate().getSpec();
        var init = pod.getInitContainers().get(0);
        assertThat(init.getArgs()).containsExactly("model");
        assertThat(init.getEnv())
                .extracting(e -> e.getName() + "=" + e.getValue())
                .contains(
                        "MLFORGE_MODEL_URI=s3://bucket/m/model.tar.gz",
                        "MLFORGE_MODEL_DIR=/opt/ml/model",
                        "MLFORGE_S3_ENDPOINT=http://s3.local:9000",
                        "MLFORGE_S3_PATH_STYLE=true");
        var server = pod.getContainers().get(0);
        assertThat(server.getImage()).isEqualTo("xgb:1");
        assertThat(server.getArgs()).containsExactly("serve");
        assertThat(server.getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
        assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ping");
        assertThat(server.getVolumeMounts()).extracting(m -> m.getMountPath()).containsExactly("/opt/ml/model");
        assertThat(server.getResources().getLimits()).containsKey("nvidia.com/gpu");
        assertThat(server.getEnv())
                .extracting(e -> e.getName())
                .containsSubsequence("A", "B", "SAGEMAKER_BIND_TO_PORT");
        // the restricted Pod Security Standard by default
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(server.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(server.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(init.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    }

    @Test
    void servicesPerVariantAndForTheEndpointAndAnAutoscalerPerAutoscaledVariant() {
        var desired = plan(endpoint("""
                    - {name: stable, weight: 90, instanceCount: 1, autoscaling: {minInstances: 2, maxInstances: 6, targetCpuUtilizationPercent: 60, scaleInCooldownSeconds: 300}}
                    - {name: canary, weight: 10, instanceCount: 1}
                """));
        assertThat(desired.services())
                .extracting(s -> s.getMetadata().getName())
                .containsExactly("churn-stable", "churn-canary", "churn");
        assertThat(desired.services().get(2).getSpec().getSelector()).isEqualTo(Map.of("mlforge.io/endpoint", "churn"));
        assertThat(desired.deployments().get(0).getSpec().getReplicas())
                .as("within the autoscaler's bounds")
                .isEqualTo(2);
        assertThat(desired.deployments().get(0).getMetadata().getAnnotations())
                .containsEntry(ServingPlanner.AUTOSCALED, "true");
        var hpa = desired.autoscalers().get(0);
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("churn-stable");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
                .isEqualTo(60);
        assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
                .isEqualTo(300);
        assertThat(desired.autoscalers()).hasSize(1);
    }

    @Test
    void pvcModelsAreMountedAndAChangedModelChangesOnlyItsVariantsTemplate() {
        Endpoint e = endpoint(
                "    - {name: a}\n    - {name: b, model: {image: 'xgb:1', dataUri: 'pvc://models/churn/v2'}}\n");
        var desired = plan(e);
        var b = desired.deployments().get(1).getSpec().getTemplate().getSpec();
        assertThat(b.getInitContainers()).isEmpty();
        assertThat(b.getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
                .isEqualTo("models");
        assertThat(b.getContainers().get(0).getVolumeMounts().get(0).getSubPath())
                .isEqualTo("churn/v2");
        String aHash = desired.deployments()
                .get(0)
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(ServingPlanner.MODEL_HASH);
        e.getSpec().variants.get(1).model.dataUri = "pvc://models/churn/v3";
        var again = plan(e);
        assertThat(again.deployments()
                        .get(0)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(ServingPlanner.MODEL_HASH))
                .isEqualTo(aHash);
        assertThat(again.deployments()
                        .get(1)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(ServingPlanner.MODEL_HASH))
                .isNotEqualTo(desired.deployments()
                        .get(1)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get(ServingPlanner.MODEL_HASH));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHttpRouteCarriesTheWeightsInPercentOnTheConfiguredGateway() {
        Endpoint e = endpoint("    - {name: a, weight: 2}\n    - {name: b, weight: 1}\n");
        var route = ServingPlanner.httpRoute(e, "gw", "infra");
        assertThat(route.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(route.getKind()).isEqualTo("HTTPRoute");
        Map<String, Object> spec =
                (Map<String, Object>) route.getAdditionalProperties().get("spec");
        assertThat((java.util.List<Map<String, Object>>) spec.get("parentRefs"))
                .containsExactly(Map.of("name", "gw", "namespace", "infra"));
        var rule = ((java.util.List<Map<String, Object>>) spec.get("rules")).get(0);
        assertThat((java.util.List<Map<String, Object>>) rule.get("backendRefs"))
                .extracting(b -> b.get("name") + ":" + b.get("port") + "=" + b.get("weight"))
                .as("weights in percent, summing to 100")
                .containsExactly("churn-a:8080=67", "churn-b:8080=33");
        assertThat(rule.get("matches").toString()).contains("/ml/churn");
    }

    @Test
    void anInferencePipelineRunsItsStagesInOnePodBehindTheDataAgentsRouter() {
        Endpoint e = endpoint("    - {name: main}\n");
        e.getSpec().model = Serialization.unmarshal("""
                pipeline:
                  - {name: featurize, image: "sklearn:1", dataUri: "s3://bucket/pre.tar.gz"}
                  - {name: predict, image: "xgb:1", dataUri: "s3://bucket/model.tar.gz", environment: {X: "1"}}
                """, ModelSpec.class);
        var pod = plan(e).deployments().get(0).getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers())
                .extracting(c -> c.getName())
                .containsExactly("pipeline", "stage-0-featurize", "stage-1-predict");
        var router = pod.getContainers().get(0);
        assertThat(router.getArgs()).containsExactly("pipeline");
        assertThat(router.getEnv())
                .extracting(v -> v.getName() + "=" + v.getValue())
                .contains("MLFORGE_PIPELINE_PORTS=8081,8082", "MLFORGE_PIPELINE_LISTEN=8080");
        assertThat(router.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ping");
        assertThat(pod.getContainers().get(2).getEnv())
                .extracting(v -> v.getName() + "=" + v.getValue())
                .contains("X=1", "SAGEMAKER_BIND_TO_PORT=8082");
        assertThat(pod.getInitContainers())
                .extracting(c -> c.getName())
                .containsExactly("model-download-0", "model-download-1");
        assertThat(pod.getVolumes()).extracting(vol -> vol.getName()).containsExactly("model-0", "model-1");
        assertThat(pod.getContainers().get(1).getVolumeMounts().get(0).getName())
                .isEqualTo("model-0");
    }

    @Test
    void requestTargetsPutTheRouterInFrontAndScaleOnItsMetricsThroughAnHpaOrKeda() {
        Endpoint e = endpoint("""
                    - name: main
                      autoscaling: {minInstances: 1, maxInstances: 5, targetConcurrency: 2.5, targetInvocationsPerInstance: 600, scaleInCooldownSeconds: 120}
                """);
        var hpaPlan = plan(e);
        var pod = hpaPlan.deployments().get(0).getSpec().getTemplate();
        var router = pod.getSpec().getContainers().get(0);
        assertThat(router.getName()).isEqualTo("pipeline");
        assertThat(router.getEnv())
                .extracting(x -> x.getName() + "=" + x.getValue())
                .contains(
                        "MLFORGE_PIPELINE_PORTS=8081",
                        "MLFORGE_PIPELINE_LISTEN=8080",
                        "MLFORGE_METRICS_PORT=9091",
                        "MLFORGE_METRICS_LABELS=mlforge_namespace=ml,mlforge_endpoint=churn,mlforge_variant=main");
        assertThat(pod.getSpec().getContainers().get(1).getPorts()).isNullOrEmpty();
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("prometheus.io/port", "9091");
        assertThat(hpaPlan.scaledObjects()).isEmpty();
        var hpa = hpaPlan.autoscalers().get(0).getSpec();
        assertThat(hpa.getMetrics())
                .extracting(m -> m.getType() + " " + m.getPods().getMetric().getName() + " "
                        + m.getPods().getTarget().getAverageValue())
                .containsExactly(
                        "Pods mlforge_serving_requests_in_flight 2500m", "Pods mlforge_serving_requests_per_second 10");
        assertThat(hpa.getBehavior().getScaleDown().getStabilizationWindowSeconds())
                .isEqualTo(120);

        var kedaPlan = plan(e, WITH_KEDA);
        assertThat(kedaPlan.autoscalers()).isEmpty();
        assertThat(kedaPlan.deployments().get(0).getMetadata().getAnnotations())
                .containsEntry(ServingPlanner.AUTOSCALED, ServingPlanner.AUTOSCALED_BY_KEDA);
        var scaledObject = kedaPlan.scaledObjects().get(0);
        assertThat(scaledObject.getMetadata().getName()).isEqualTo("churn-main");
        assertThat(Serialization.asJson(scaledObject.getAdditionalProperties().get("spec")))
                .contains(
                        "\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"churn-main\"}")
                .contains("\"minReplicaCount\":1,\"maxReplicaCount\":5")
                .contains(
                        "sum(mlforge_serving_requests_in_flight{mlforge_namespace=\\\"ml\\\",mlforge_endpoint=\\\"churn\\\",mlforge_variant=\\\"main\\\"})")
                .contains("\"threshold\":\"2.5\"")
                .contains("sum(rate(mlforge_serving_requests_total{")
                .contains("\"threshold\":\"10\"")
                .contains("\"scaleDown\":{\"stabilizationWindowSeconds\":120}");
    }

    @Test
    void cpuTargetsKeepTheModelOnTheServingPortWithoutARouter() {
        var plan = plan(
                endpoint(
                        "    - {name: main, autoscaling: {minInstances: 1, maxInstances: 3, targetCpuUtilizationPercent: 50}}\n"),
                WITH_KEDA);
        var containers =
                plan.deployments().get(0).getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers)
                .singleElement()
                .satisfies(c -> assertThat(c.getPorts())
                        .extracting(p -> p.getName() + ":" + p.getContainerPort())
                        .containsExactly("http:8080"));
        assertThat(plan.scaledObjects()).isEmpty();
        assertThat(plan.autoscalers().get(0).getSpec().getMetrics())
                .singleElement()
                .satisfies(m -> assertThat(m.getResource().getTarget().getAverageUtilization())
                        .isEqualTo(50));
    }

    @Test
    void aModelCacheIsMountedIntoTheDownloaderAndReadOnlyIntoTheServer() {
        Endpoint onNodes = endpoint("    - {name: main}\n");
        onNodes.getSpec().kubernetes = new io.mlforge.api.v1alpha1.EndpointKubernetesSettings();
        onNodes.getSpec().kubernetes.modelCache = new io.mlforge.api.v1alpha1.ModelCacheConfig();
        onNodes.getSpec().kubernetes.modelCache.source = io.mlforge.api.v1alpha1.ModelCacheConfig.Source.Node;
        var pod = plan(onNodes).deployments().get(0).getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("model-cache"))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.getHostPath().getPath()).isEqualTo("/var/lib/mlforge/model-cache");
                    assertThat(v.getHostPath().getType()).isEqualTo("DirectoryOrCreate");
                });
        var init = pod.getInitContainers().get(0);
        assertThat(init.getEnv())
                .extracting(e -> e.getName() + "=" + e.getValue())
                .contains(
                        "MLFORGE_MODEL_CACHE_DIR=/var/lib/mlforge/model-cache",
                        "MLFORGE_MODEL_CACHE_MAX_BYTES=21474836480");
        assertThat(init.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath() + " ro=" + m.getReadOnly())
                        .isEqualTo("/var/lib/mlforge/model-cache ro=null"));
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath() + " ro=" + m.getReadOnly())
                        .isEqualTo("/var/lib/mlforge/model-cache ro=true"));

        Endpoint shared = endpoint("    - {name: main}\n");
        shared.getSpec().kubernetes = new io.mlforge.api.v1alpha1.EndpointKubernetesSettings();
        shared.getSpec().kubernetes.modelCache = new io.mlforge.api.v1alpha1.ModelCacheConfig();
        shared.getSpec().kubernetes.modelCache.source = io.mlforge.api.v1alpha1.ModelCacheConfig.Source.Claim;
        shared.getSpec().kubernetes.modelCache.claimName = "models-rwx";
        shared.getSpec().kubernetes.modelCache.maxSize = new io.fabric8.kubernetes.api.model.Quantity("500Mi");
        var sharedPod =
                plan(shared).deployments().get(0).getSpec().getTemplate().getSpec();
        assertThat(sharedPod.getVolumes())
                .filteredOn(v -> v.getName().equals("model-cache"))
                .singleElement()
                .satisfies(v ->
                        assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("models-rwx"));
        assertThat(sharedPod.getInitContainers().get(0).getEnv())
                .extracting(e -> e.getName() + "=" + e.getValue())
                .contains("MLFORGE_MODEL_CACHE_MAX_BYTES=524288000");

        // without a cache nothing changes
        assertThat(plan(endpoint("    - {name: main}\n"))
                        .deployments()
                        .get(0)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getVolumes())
                .noneMatch(v -> v.getName().equals("model-cache"));
    }
}
