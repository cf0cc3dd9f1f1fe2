package io.mlforge.operator.serving.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointKubernetesSettings;
import io.mlforge.api.v1alpha1.ModelSpec;
import io.mlforge.api.v1alpha1.Variant;
import io.mlforge.operator.core.PodSecurity;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.dataagent.DataAgent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The in-cluster objects of an Endpoint (pure): per variant a Deployment — the data agent's init container puts the
 * model into /opt/ml/model (pvc:// is mounted instead), the serving container runs the image with "serve" on port
 * 8080 and is ready when GET /ping answers (SageMaker's serving contract, so SageMaker serving images run unchanged),
 * rolling updates never take a ready pod away before its replacement is ready — a Service per variant, a Service
 * for the endpoint that selects every variant (traffic in proportion to ready replicas), and per autoscaled variant
 * its autoscaler ({@link VariantAutoscaling}). Pods of inference pipelines and of variants that scale on requests get
 * the data agent's request router in front of the model: it chains pipeline stages and counts requests for
 * Prometheus on port {@value #METRICS_PORT}.
 */
public final class ServingPlanner {
    public static final String ENDPOINT_LABEL = "mlforge.io/endpoint";
    public static final String VARIANT_LABEL = "mlforge.io/variant";
    public static final String MODEL_HASH = "mlforge.io/model-hash";
    /**
     * On Deployments whose replica count an autoscaler owns: "true" (our HorizontalPodAutoscaler) or
     * {@value #AUTOSCALED_BY_KEDA} (a KEDA ScaledObject of the same name, which the cache tells apart without a list).
     */
    public static final String AUTOSCALED = "mlforge.io/autoscaled";

    public static final String AUTOSCALED_BY_KEDA = "keda";

    static final String MODEL_DIR = "/opt/ml/model";
    /** Where the model cache is mounted in the data agent and, read-only, in the serving containers. */
    static final String MODEL_CACHE_DIR = "/var/lib/mlforge/model-cache";

    static final String MODEL_CACHE_VOLUME = "model-cache";
    private static final Quantity DEFAULT_MODEL_CACHE_SIZE = new Quantity("20Gi");
    /** The request router's Prometheus endpoint (/metrics) in serving pods that have one. */
    public static final int METRICS_PORT = 9091;

    /** Operator settings the objects depend on. */
    public record Settings(
            String dataAgentImage,
            String gpuResourceName,
            Optional<String> s3Endpoint,
            boolean s3PathStyle,
            VariantAutoscaling.Scaler requestScaler,
            String prometheusAddress,
            String modelCacheHostPath) {}

    /** The desired objects; {@code scaledObjects} are KEDA's (keda.sh/v1alpha1 ScaledObject). */
    public record Desired(
            List<Deployment> deployments,
            List<Service> services,
            List<HorizontalPodAutoscaler> autoscalers,
            List<GenericKubernetesResource> scaledObjects) {}

    private ServingPlanner() {}

    public static String variantName(Endpoint e, String variant) {
        return ResourceNames.truncatedLabel(e.getMetadata().getName() + "-" + variant, 63);
    }

    public static int port(Endpoint e) {
        EndpointKubernetesSettings k = e.getSpec().kubernetes;
        return k == null || k.port == null ? 8080 : k.port;
    }

    public static Desired plan(Endpoint endpoint, Map<String, ModelSpec> models, Settings settings) {
        List<Deployment> deployments = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        List<HorizontalPodAutoscaler> autoscalers = new ArrayList<>();
        List<GenericKubernetesResource> scaledObjects = new ArrayList<>();
        int port = port(endpoint);
        for (Variant v : endpoint.getSpec().variants) {
            ModelSpec model = models.get(v.name);
            String name = variantName(endpoint, v.name);
            // sorted: Map.of's order is salted per JVM, and the desired hash of every object must survive a restart
            Map<String, String> selector = new TreeMap<>(Map.of(
                    ENDPOINT_LABEL,
                    ResourceNames.labelValue(endpoint.getMetadata().getName()),
                    VARIANT_LABEL,
                    v.name));
            deployments.add(deployment(endpoint, v, model, name, selector, port, settings));
            services.add(httpService(endpoint, name, selector, port));
            if (v.autoscaling != null) {
                if (scaledByKeda(v, settings)) {
                    scaledObjects.add(VariantAutoscaling.scaledObject(
                            endpoint, v, meta(endpoint, name, selector), name, settings.prometheusAddress()));
                } else {
                    autoscalers.add(VariantAutoscaling.hpa(v, meta(endpoint, name, selector), name));
                }
            }
        }
        Map<String, String> all = Map.of(
                ENDPOINT_LABEL, ResourceNames.labelValue(endpoint.getMetadata().getName()));
        services.add(httpService(
                endpoint, ResourceNames.truncatedLabel(endpoint.getMetadata().getName(), 63), all, port));
        return new Desired(deployments, services, autoscalers, scaledObjects);
    }

    /** A ClusterIP Service named {@code name}: port "http" to the selected pods' container port "http". */
    private static Service httpService(Endpoint endpoint, String name, Map<String, String> selector, int port) {
        return new ServiceBuilder()
                .withMetadata(meta(endpoint, name, selector))
                .withNewSpec()
                .withSelector(selector)
                .addNewPort()
                .withName("http")
                .withPort(port)
                .withTargetPort(new IntOrString("http"))
                .endPort()
                .endSpec()
                .build();
    }

    /**
     * The Gateway API HTTPRoute of an Endpoint: attached to the configured Gateway, all requests to the variants'
     * Services in proportion to the spec's weights (percent, summing to 100).
     */
    public static io.fabric8.kubernetes.api.model.GenericKubernetesResource httpRoute(
            Endpoint endpoint, String gatewayName, String gatewayNamespace) {
        double sum = endpoint.getSpec().variants.stream()
                .mapToDouble(v -> v.weight == null ? 1.0 : v.weight)
                .sum();
        List<Map<String, Object>> backends = new ArrayList<>();
        int assigned = 0;
        List<Variant> variants = endpoint.getSpec().variants;
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            int weight = i == variants.size() - 1
                    ? 100 - assigned
                    : (int) Math.round((v.weight == null ? 1.0 : v.weight) / sum * 100);
            assigned += weight;
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("name", variantName(endpoint, v.name));
            ref.put("port", port(endpoint));
            ref.put("weight", weight);
            backends.add(ref);
        }
        Map<String, Object> parent = new LinkedHashMap<>();
        parent.put("name", gatewayName);
        if (gatewayNamespace != null) {
            parent.put("namespace", gatewayNamespace);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("parentRefs", List.of(parent));
        spec.put(
                "rules",
                List.of(VariantAutoscaling.ordered(
                        "matches",
                        List.of(VariantAutoscaling.ordered(
                                "path",
                                VariantAutoscaling.ordered(
                                        "type",
                                        "PathPrefix",
                                        "value",
                                        "/" + endpoint.getMetadata().getNamespace() + "/"
                                                + endpoint.getMetadata().getName()))),
                        "filters",
                        List.of(VariantAutoscaling.ordered(
                                "type",
                                "URLRewrite",
                                "urlRewrite",
                                VariantAutoscaling.ordered(
                                        "path",
                                        VariantAutoscaling.ordered(
                                                "type", "ReplacePrefixMatch", "replacePrefixMatch", "/")))),
                        "backendRefs",
                        backends)));
        var route = new io.fabric8.kubernetes.api.model.GenericKubernetesResource();
        route.setApiVersion("gateway.networking.k8s.io/v1");
        route.setKind("HTTPRoute");
        route.setMetadata(meta(
                endpoint,
                ResourceNames.truncatedLabel(endpoint.getMetadata().getName(), 63),
                Map.of(
                        ENDPOINT_LABEL,
                        ResourceNames.labelValue(endpoint.getMetadata().getName()))));
        route.setAdditionalProperty("spec", spec);
        return route;
    }

    /** One serving container of a pod: the model, or a stage of an inference pipeline. */
    private record Stage(String container, String volume, io.mlforge.api.v1alpha1.ModelSource source, int port) {}

    private static Deployment deployment(
            Endpoint endpoint,
            Variant v,
            ModelSpec model,
            String name,
            Map<String, String> selector,
            int port,
            Settings settings) {
        EndpointKubernetesSettings k = endpoint.getSpec().kubernetes;
        List<Stage> stages = new ArrayList<>();
        boolean pipeline = model.pipeline != null && !model.pipeline.isEmpty();
        if (pipeline) {
            for (int i = 0; i < model.pipeline.size(); i++) {
                var c = model.pipeline.get(i);
                stages.add(new Stage(
                        ResourceNames.truncatedLabel("stage-" + i + "-" + (c.name == null ? "model" : c.name), 63),
                        "model-" + i,
                        c,
                        port + 1 + i));
            }
        } else {
            // behind the request router the model listens on the next port, as a pipeline's single stage
            stages.add(new Stage("model", "model", model, VariantAutoscaling.onRequests(v) ? port + 1 : port));
        }
        boolean routed = pipeline || VariantAutoscaling.onRequests(v);
        List<Volume> volumes = new ArrayList<>();
        List<Container> init = new ArrayList<>();
        List<Container> containers = new ArrayList<>();
        PodSecurityContext podSecurity = PodSecurity.pod(k == null ? null : k.podSecurityContext);
        SecurityContext serverSecurity = PodSecurity.container(k == null ? null : k.securityContext);
        String health = k == null || k.healthPath == null ? "/ping" : k.healthPath;
        io.fabric8.kubernetes.api.model.ResourceRequirements resources = k != null && k.resources != null
                ? new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder(k.resources).build()
                : new io.fabric8.kubernetes.api.model.ResourceRequirements();
        if (v.gpusPerInstance != null && v.gpusPerInstance > 0) {
            String gpu = k != null && k.gpuResourceName != null ? k.gpuResourceName : settings.gpuResourceName();
            Map<String, Quantity> limits =
                    new LinkedHashMap<>(resources.getLimits() == null ? Map.of() : resources.getLimits());
            limits.put(gpu, new Quantity(Integer.toString(v.gpusPerInstance)));
            resources.setLimits(limits);
        }
        io.mlforge.api.v1alpha1.ModelCacheConfig cache = k == null ? null : k.modelCache;
        boolean cached = cache != null
                && stages.stream()
                        .anyMatch(st -> st.source().dataUri != null
                                && !st.source().dataUri.startsWith("pvc://"));
        if (cached) {
            volumes.add(cacheVolume(cache, settings));
        }
        for (int i = 0; i < stages.size(); i++) {
            Stage stage = stages.get(i);
            List<VolumeMount> mounts = new ArrayList<>();
            String dataUri = stage.source().dataUri;
            if (dataUri != null && dataUri.startsWith("pvc://")) {
                var claim = DataAgent.ClaimPath.parse(dataUri);
                volumes.add(new VolumeBuilder()
                        .withName(stage.volume())
                        .withNewPersistentVolumeClaim()
                        .withClaimName(claim.claim())
                        .withReadOnly(true)
                        .endPersistentVolumeClaim()
                        .build());
                mounts.add(new VolumeMountBuilder()
                        .withName(stage.volume())
                        .withMountPath(MODEL_DIR)
                        .withSubPath(claim.path().isEmpty() ? null : claim.path())
                        .withReadOnly(true)
                        .build());
            } else {
                volumes.add(new VolumeBuilder()
                        .withName(stage.volume())
                        .withNewEmptyDir()
                        .endEmptyDir()
                        .build());
                mounts.add(new VolumeMountBuilder()
                        .withName(stage.volume())
                        .withMountPath(MODEL_DIR)
                        .build());
                if (dataUri != null) {
                    init.add(download(
                            pipeline ? "model-download-" + i : "model-download",
                            stage.volume(),
                            dataUri,
                            settings,
                            podSecurity,
                            cached ? cache : null));
                    if (cached) {
                        // the model directory holds links into the cache: the server resolves them read-only
                        mounts.add(new VolumeMountBuilder()
                                .withName(MODEL_CACHE_VOLUME)
                                .withMountPath(MODEL_CACHE_DIR)
                                .withReadOnly(true)
                                .build());
                    }
                }
            }
            List<EnvVar> env = new ArrayList<>();
            new TreeMap<>(stage.source().environment == null ? Map.<String, String>of() : stage.source().environment)
                    .forEach((key, value) -> env.add(env(key, value)));
            env.add(env("SAGEMAKER_BIND_TO_PORT", Integer.toString(stage.port())));
            ContainerBuilder server = new ContainerBuilder()
                    .withName(stage.container())
                    .withImage(stage.source().image)
                    .withArgs("serve")
                    .withEnv(env)
                    .withVolumeMounts(mounts)
                    .withSecurityContext(serverSecurity)
                    .withResources(i == stages.size() - 1 ? resources : null);
            if (k != null && k.env != null) {
                server.addAllToEnv(k.env);
            }
            if (!routed) {
                server.addNewPort()
                        .withName("http")
                        .withContainerPort(port)
                        .endPort()
                        .withNewReadinessProbe()
                        .withNewHttpGet()
                        .withPath(health)
                        .withPort(new IntOrString("http"))
                        .endHttpGet()
                        .withPeriodSeconds(5)
                        .withFailureThreshold(3)
                        .endReadinessProbe()
                        .withNewStartupProbe()
                        .withNewHttpGet()
                        .withPath(health)
                        .withPort(new IntOrString("http"))
                        .endHttpGet()
                        .withPeriodSeconds(5)
                        .withFailureThreshold(
                                Math.max(1, (v.startupTimeoutSeconds == null ? 600 : v.startupTimeoutSeconds) / 5))
                        .endStartupProbe();
            }
            containers.add(server.build());
        }
        if (routed) {
            // the data agent chains the stages as SageMaker's serial inference does (a single model is a pipeline of
            // one),
            // counts requests for autoscaling, and its health path is every stage's
            String ports = String.join(
                    ",", stages.stream().map(st -> Integer.toString(st.port())).toList());
            containers.add(
                    0,
                    new ContainerBuilder()
                            .withName("pipeline")
                            .withImage(settings.dataAgentImage())
                            .withCommand(DataAgent.COMMAND)
                            .withArgs("pipeline")
                            .withEnv(
                                    env("MLFORGE_PIPELINE_PORTS", ports),
                                    env("MLFORGE_PIPELINE_LISTEN", Integer.toString(port)),
                                    env("MLFORGE_PIPELINE_HEALTH_PATH", health),
                                    env("MLFORGE_METRICS_PORT", Integer.toString(METRICS_PORT)),
                                    env("MLFORGE_METRICS_LABELS", metricLabels(endpoint, v)))
                            .addNewPort()
                            .withName("http")
                            .withContainerPort(port)
                            .endPort()
                            .addNewPort()
                            .withName("metrics")
                            .withContainerPort(METRICS_PORT)
                            .endPort()
                            .withNewReadinessProbe()
                            .withNewHttpGet()
                            .withPath("/ping")
                            .withPort(new IntOrString("http"))
                            .endHttpGet()
                            .withPeriodSeconds(5)
                            .withFailureThreshold(3)
                            .endReadinessProbe()
                            .withNewStartupProbe()
                            .withNewHttpGet()
                            .withPath("/ping")
                            .withPort(new IntOrString("http"))
                            .endHttpGet()
                            .withPeriodSeconds(5)
                            .withFailureThreshold(
                                    Math.max(1, (v.startupTimeoutSeconds == null ? 600 : v.startupTimeoutSeconds) / 5))
                            .endStartupProbe()
                            .withResources(DataAgent.resources())
                            .withSecurityContext(DataAgent.securityContext(podSecurity))
                            .build());
        }
        Map<String, String> podLabels = new LinkedHashMap<>(selector);
        Map<String, String> podAnnotations = new LinkedHashMap<>();
        if (k != null && k.podLabels != null) {
            podLabels.putAll(k.podLabels);
        }
        if (k != null && k.podAnnotations != null) {
            podAnnotations.putAll(k.podAnnotations);
        }
        StringBuilder content = new StringBuilder();
        for (Stage stage : stages) {
            content.append(stage.source().image)
                    .append('|')
                    .append(stage.source().dataUri)
                    .append('|')
                    .append(new TreeMap<>(stage.source().environment == null ? Map.of() : stage.source().environment))
                    .append(';');
        }
        podAnnotations.put(MODEL_HASH, hash(content.toString()));
        if (routed) {
            // the annotations Prometheus' usual kubernetes-pods scrape job reads
            podAnnotations.put("prometheus.io/scrape", "true");
            podAnnotations.put("prometheus.io/port", Integer.toString(METRICS_PORT));
            podAnnotations.put("prometheus.io/path", "/metrics");
        }
        int count = v.instanceCount == null ? 1 : v.instanceCount;
        // with autoscaling the initial count is within its bounds; afterwards the HorizontalPodAutoscaler owns it
        int replicas = v.autoscaling == null
                ? count
                : Math.min(v.autoscaling.maxInstances, Math.max(count, v.autoscaling.minInstances));
        ObjectMeta meta = meta(endpoint, name, selector);
        if (v.autoscaling != null) {
            meta.getAnnotations().put(AUTOSCALED, scaledByKeda(v, settings) ? AUTOSCALED_BY_KEDA : "true");
        }
        return new DeploymentBuilder()
                .withMetadata(meta)
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0))
                .withMaxSurge(new IntOrString(1))
                .endRollingUpdate()
                .endStrategy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels)
                .withAnnotations(podAnnotations)
                .endMetadata()
                .withNewSpec()
                .withSecurityContext(podSecurity)
                .withInitContainers(init)
                .withContainers(containers)
                .withVolumes(volumes)
                .withNodeSelector(k == null ? null : k.nodeSelector)
                .withTolerations(k == null ? null : k.tolerations)
                .withAffinity(k == null ? null : k.affinity)
                .withPriorityClassName(k == null ? null : k.priorityClassName)
                .withServiceAccountName(k == null ? null : k.serviceAccountName)
                .withImagePullSecrets(k == null ? null : k.imagePullSecrets)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static boolean scaledByKeda(Variant v, Settings settings) {
        return VariantAutoscaling.onRequests(v) && settings.requestScaler() == VariantAutoscaling.Scaler.KEDA;
    }

    /** The labels the router puts on its series: namespace, endpoint and variant, as the autoscalers' queries select. */
    private static String metricLabels(Endpoint endpoint, Variant v) {
        return VariantAutoscaling.NAMESPACE_LABEL + "=" + endpoint.getMetadata().getNamespace() + ","
                + VariantAutoscaling.ENDPOINT_LABEL + "="
                + endpoint.getMetadata().getName() + ","
                + VariantAutoscaling.VARIANT_LABEL + "=" + v.name;
    }

    /** The cache's volume: the node directory (hostPath, created if missing) or the shared claim. */
    private static Volume cacheVolume(io.mlforge.api.v1alpha1.ModelCacheConfig cache, Settings settings) {
        VolumeBuilder volume = new VolumeBuilder().withName(MODEL_CACHE_VOLUME);
        if (cache.source == io.mlforge.api.v1alpha1.ModelCacheConfig.Source.Claim) {
            return volume.withNewPersistentVolumeClaim()
                    .withClaimName(cache.claimName)
                    .endPersistentVolumeClaim()
                    .build();
        }
        return volume.withNewHostPath()
                .withPath(settings.modelCacheHostPath())
                .withType("DirectoryOrCreate")
                .endHostPath()
                .build();
    }

    private static Container download(
            String name,
            String volume,
            String dataUri,
            Settings settings,
            PodSecurityContext podSecurity,
            io.mlforge.api.v1alpha1.ModelCacheConfig cache) {
        List<EnvVar> env =
                new ArrayList<>(List.of(env("MLFORGE_MODEL_URI", dataUri), env("MLFORGE_MODEL_DIR", MODEL_DIR)));
        env.addAll(DataAgent.storageEnvironment(settings.s3Endpoint(), settings.s3PathStyle()));
        List<VolumeMount> mounts = new ArrayList<>(List.of(new VolumeMountBuilder()
                .withName(volume)
                .withMountPath(MODEL_DIR)
                .build()));
        if (cache != null) {
            Quantity max = cache.maxSize == null ? DEFAULT_MODEL_CACHE_SIZE : cache.maxSize;
            env.add(env(io.mlforge.agent.DataAgent.MODEL_CACHE_DIR_ENV, MODEL_CACHE_DIR));
            env.add(env(
                    io.mlforge.agent.DataAgent.MODEL_CACHE_MAX_BYTES_ENV,
                    Quantity.getAmountInBytes(max).toBigInteger().toString()));
            mounts.add(new VolumeMountBuilder()
                    .withName(MODEL_CACHE_VOLUME)
                    .withMountPath(MODEL_CACHE_DIR)
                    .build());
        }
        return new ContainerBuilder()
                .withName(name)
                .withImage(settings.dataAgentImage())
                .withCommand(DataAgent.COMMAND)
                .withArgs("model")
                .withEnv(env)
                .withVolumeMounts(mounts)
                .withResources(DataAgent.resources())
                .withTerminationMessagePolicy("File")
                .withSecurityContext(DataAgent.securityContext(podSecurity))
                .build();
    }

    private static ObjectMeta meta(Endpoint endpoint, String name, Map<String, String> labels) {
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.put("app.kubernetes.io/managed-by", "mlforge-operator");
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(endpoint.getMetadata().getNamespace())
                .withLabels(all)
                .withAnnotations(new LinkedHashMap<>())
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(endpoint.getApiVersion())
                        .withKind(endpoint.getKind())
                        .withName(endpoint.getMetadata().getName())
                        .withUid(endpoint.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .build();
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    static String hash(String content) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
