package io.mlforge.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlforge.controlplane.ControlPlane;
import io.mlforge.controlplane.GoTool;
import io.mlforge.controlplane.LoopbackPorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * Kueue running against the sandbox's API server as its release manifests install it on a cluster: the manager built
 * from the Go module proxy (go/kueue); its CustomResourceDefinitions (with their conversion webhook), admission
 * webhooks and webhook Service from the same module's manifests; its own certificate management, which writes the
 * serving certificate into a Secret and injects the CA into the webhook configurations and CRDs. Integrations
 * enabled: {@code pod} (plain pods and pod groups) and {@code batch/job}, with the release manifests' namespace
 * selector on the pod webhooks (every namespace but kube-system and kueue-system).
 *
 * <p>The webhook Service has no kube-proxy behind it: its EndpointSlice names the address the manager listens on,
 * {@value #WEBHOOK_ADDRESS}, in the pod network the sandbox routes to this machine, and the API server resolves
 * webhook Services to their endpoints ({@code --enable-aggregator-routing}). Kueue runs with the admin kubeconfig (its
 * own RBAC is not under test) and without leader election, metrics or the visibility API server. Closing it stops
 * the manager and removes its webhook configurations, so pods can be created again without it.
 */
public final class Kueue implements AutoCloseable {
    /** Kueue's API as the manager serves it (v1beta2 is its storage version). */
    public static final String API_VERSION = "kueue.x-k8s.io/v1beta2";

    public static final ResourceDefinitionContext WORKLOADS = context("workloads", "Workload", true);
    public static final ResourceDefinitionContext CLUSTER_QUEUES = context("clusterqueues", "ClusterQueue", false);
    public static final ResourceDefinitionContext LOCAL_QUEUES = context("localqueues", "LocalQueue", true);
    public static final ResourceDefinitionContext RESOURCE_FLAVORS =
            context("resourceflavors", "ResourceFlavor", false);

    /** Where the manager's webhook server listens: a pod-network address no simulated pod is given. */
    static final String WEBHOOK_ADDRESS = "10.244.250.1";

    private static final String NAMESPACE = "kueue-system";
    private static final String SERVICE = "kueue-webhook-service";
    private static final String CERT_SECRET = "kueue-webhook-server-cert";
    private static final String MUTATING = "kueue-mutating-webhook-configuration";
    private static final String VALIDATING = "kueue-validating-webhook-configuration";
    /** The CRDs Kueue's manifests give a conversion webhook (config/components/crd/kustomization.yaml). */
    private static final List<String> CONVERTED =
            List.of("localqueues", "clusterqueues", "cohorts", "workloads", "multikueueclusters");
    /** The webhook paths of the integrations enabled here and of Kueue's own objects. */
    private static final List<String> WEBHOOK_PATHS = List.of("-v1-pod", "-batch-v1-job", "-kueue-x-k8s-io-v1beta2-");

    private final KubernetesClient client;
    private final Process process;
    private final Path log;
    private final io.fabric8.kubernetes.client.informers.SharedIndexInformer<io.fabric8.kubernetes.api.model.Secret>
            certificateVolume;

    private Kueue(
            KubernetesClient client,
            Process process,
            Path log,
            io.fabric8.kubernetes.client.informers.SharedIndexInformer<io.fabric8.kubernetes.api.model.Secret>
                    certificateVolume) {
        this.client = client;
        this.process = process;
        this.log = log;
        this.certificateVolume = certificateVolume;
    }

    private static ResourceDefinitionContext context(String plural, String kind, boolean namespaced) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("kueue.x-k8s.io")
                .withVersion("v1beta2")
                .withPlural(plural)
                .withKind(kind)
                .withNamespaced(namespaced)
                .build();
    }

    /** Installs Kueue into the control plane and starts its manager; returns once its webhooks answer. */
    public static Kueue start(ControlPlane controlPlane, Path workDir) throws IOException, InterruptedException {
        if (!io.mlforge.sandbox.nodes.ServingContainers.routePodNetwork()) {
            throw new IllegalStateException("Kueue's webhooks need the pod network routed to this machine (`ip route"
                    + " replace local 10.244.0.0/16 dev lo`, which needs CAP_NET_ADMIN): the API server does not call"
                    + " webhooks on loopback addresses");
        }
        Path binary = GoTool.kueue();
        Path module = GoTool.moduleSource("sigs.k8s.io/kueue", GoTool.kueueVersion());
        KubernetesClient client = controlPlane.adminClient();
        Path dir = Files.createDirectories(workDir.resolve("kueue"));
        int webhookPort = LoopbackPorts.free();
        int healthPort = LoopbackPorts.free();
        client.resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(NAMESPACE)
                        .endMetadata()
                        .build())
                .serverSideApply();
        installWebhookService(client, webhookPort);
        // the manifests' empty Secret, which Kueue's certificate management fills
        client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                        .withNewMetadata()
                        .withName(CERT_SECRET)
                        .withNamespace(NAMESPACE)
                        .endMetadata()
                        .build())
                .serverSideApply();
        installCrds(client, module.resolve("config/components/crd/bases"));
        installWebhooks(client, module.resolve("config/components/webhook/manifests.yaml"));

        Path certDir = dir.resolve("serving-certs");
        deleteRecursively(certDir); // Kueue writes its new certificate here
        Files.createDirectories(certDir);
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                apiVersion: config.kueue.x-k8s.io/v1beta2
                kind: Configuration
                namespace: %s
                health:
                  healthProbeBindAddress: 127.0.0.1:%d
                metrics:
                  bindAddress: "0"
                webhook:
                  host: %s
                  port: %d
                  certDir: %s
                leaderElection:
                  leaderElect: false
                internalCertManagement:
                  enable: true
                  webhookServiceName: %s
                  webhookSecretName: %s
                clientConnection:
                  qps: 50
                  burst: 100
                integrations:
                  frameworks: ["pod", "batch/job"]
                """.formatted(
                        NAMESPACE, healthPort, WEBHOOK_ADDRESS, webhookPort, certDir, SERVICE, CERT_SECRET));
        Path log = dir.resolve("kueue.log");
        Files.deleteIfExists(log);
        ProcessBuilder builder = new ProcessBuilder(
                        binary.toString(),
                        "--config=" + config,
                        "--feature-gates=VisibilityOnDemand=false",
                        "--zap-log-level=info")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("KUBECONFIG", controlPlane.adminKubeconfig().toString());
        var certificateVolume = mountCertificateSecret(client, certDir);
        Process process = builder.start();
        Kueue kueue = new Kueue(client, process, log, certificateVolume);
        try {
            kueue.awaitReady(healthPort);
            kueue.awaitAdmitting();
        } catch (RuntimeException | InterruptedException e) {
            kueue.close();
            throw e;
        }
        return kueue;
    }

    /**
     * What the kubelet does for the manager's Deployment, which mounts the certificate Secret at the webhook's
     * certificate directory: every key of the Secret as a file there, rewritten when the Secret changes. Kueue's
     * certificate management fills the Secret and waits until the files match before it starts the webhook server.
     */
    private static io.fabric8.kubernetes.client.informers.SharedIndexInformer<io.fabric8.kubernetes.api.model.Secret>
            mountCertificateSecret(KubernetesClient client, Path certDir) {
        return client.secrets()
                .inNamespace(NAMESPACE)
                .withName(CERT_SECRET)
                .inform(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
                    @Override
                    public void onAdd(io.fabric8.kubernetes.api.model.Secret secret) {
                        write(secret);
                    }

                    @Override
                    public void onUpdate(
                            io.fabric8.kubernetes.api.model.Secret old, io.fabric8.kubernetes.api.model.Secret secret) {
                        write(secret);
                    }

                    @Override
                    public void onDelete(io.fabric8.kubernetes.api.model.Secret secret, boolean unknown) {}

                    private void write(io.fabric8.kubernetes.api.model.Secret secret) {
                        if (secret.getData() == null) {
                            return;
                        }
                        try {
                            for (var entry : secret.getData().entrySet()) {
                                Path tmp = certDir.resolve("." + entry.getKey() + ".tmp");
                                Files.write(tmp, Base64.getDecoder().decode(entry.getValue()));
                                Files.move(
                                        tmp,
                                        certDir.resolve(entry.getKey()),
                                        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                            }
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** The manifests' webhook Service, with the manager's address as its one endpoint. */
    private static void installWebhookService(KubernetesClient client, int webhookPort) {
        client.resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                        .withNewMetadata()
                        .withName(SERVICE)
                        .withNamespace(NAMESPACE)
                        .endMetadata()
                        .withNewSpec()
                        .addNewPort()
                        .withPort(443)
                        .withProtocol("TCP")
                        .withNewTargetPort(webhookPort)
                        .endPort()
                        .endSpec()
                        .build())
                .forceConflicts()
                .serverSideApply();
        client.resource(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder()
                        .withNewMetadata()
                        .withName(SERVICE + "-manager")
                        .withNamespace(NAMESPACE)
                        .addToLabels("kubernetes.io/service-name", SERVICE)
                        .addToLabels("endpointslice.kubernetes.io/managed-by", "sandbox.mlforge.io")
                        .endMetadata()
                        .withAddressType("IPv4")
                        .addNewEndpoint()
                        .withAddresses(WEBHOOK_ADDRESS)
                        .withNewConditions()
                        .withReady(true)
                        .endConditions()
                        .endEndpoint()
                        .addNewPort()
                        .withName("")
                        .withPort(webhookPort)
                        .withProtocol("TCP")
                        .endPort()
                        .build())
                .forceConflicts()
                .serverSideApply();
    }

    private static void installCrds(KubernetesClient client, Path bases) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(bases)) {
            files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        List<String> names = new ArrayList<>();
        for (Path file : files) {
            CustomResourceDefinition crd;
            try (InputStream in = Files.newInputStream(file)) {
                crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
            }
            if (CONVERTED.contains(crd.getSpec().getNames().getPlural())) {
                crd.getSpec()
                        .setConversion(
                                new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceConversionBuilder()
                                        .withStrategy("Webhook")
                                        .withNewWebhook()
                                        .withConversionReviewVersions("v1")
                                        .withNewClientConfig()
                                        .withNewService()
                                        .withNamespace(NAMESPACE)
                                        .withName(SERVICE)
                                        .withPath("/convert")
                                        .endService()
                                        .endClientConfig()
                                        .endWebhook()
                                        .build());
            }
            ControlPlane.applyCrd(client, crd);
            names.add(crd.getMetadata().getName());
        }
        names.forEach(name -> ControlPlane.awaitEstablished(client, name));
    }

    private static boolean enabled(WebhookClientConfig clientConfig) {
        String path = clientConfig.getService().getPath();
        return WEBHOOK_PATHS.stream().anyMatch(path::contains);
    }

    /** The manifests' service reference, under the names the release's kustomization gives them. */
    private static WebhookClientConfig inKueueSystem(WebhookClientConfig clientConfig) {
        clientConfig.getService().setNamespace(NAMESPACE);
        clientConfig.getService().setName(SERVICE);
        return clientConfig;
    }

    /** Kueue's release manifests restrict its pod webhooks to namespaces other than kube-system and kueue-system. */
    private static io.fabric8.kubernetes.api.model.LabelSelector podNamespaces() {
        return new LabelSelectorBuilder()
                .withMatchExpressions(new LabelSelectorRequirementBuilder()
                        .withKey("kubernetes.io/metadata.name")
                        .withOperator("NotIn")
                        .withValues("kube-system", "kueue-system")
                        .build())
                .build();
    }

    private static void installWebhooks(KubernetesClient client, Path manifests) throws IOException {
        for (String document : Files.readString(manifests).split("(?m)^---$")) {
            if (document.isBlank()) {
                continue;
            }
            HasMetadata object = client.getKubernetesSerialization().unmarshal(document);
            if (object instanceof MutatingWebhookConfiguration mutating) {
                List<MutatingWebhook> webhooks = new ArrayList<>();
                for (MutatingWebhook webhook : mutating.getWebhooks()) {
                    if (enabled(webhook.getClientConfig())) {
                        if (webhook.getName().equals("mpod.kb.io")) {
                            webhook.setNamespaceSelector(podNamespaces());
                        }
                        webhook.setClientConfig(inKueueSystem(webhook.getClientConfig()));
                        webhooks.add(webhook);
                    }
                }
                mutating.setWebhooks(webhooks);
                mutating.getMetadata().setName(MUTATING);
                client.resource(mutating).forceConflicts().serverSideApply();
            } else if (object instanceof ValidatingWebhookConfiguration validating) {
                List<ValidatingWebhook> webhooks = new ArrayList<>();
                for (ValidatingWebhook webhook : validating.getWebhooks()) {
                    if (enabled(webhook.getClientConfig())) {
                        if (webhook.getName().equals("vpod.kb.io")) {
                            webhook.setNamespaceSelector(podNamespaces());
                        }
                        webhook.setClientConfig(inKueueSystem(webhook.getClientConfig()));
                        webhooks.add(webhook);
                    }
                }
                validating.setWebhooks(webhooks);
                validating.getMetadata().setName(VALIDATING);
                client.resource(validating).forceConflicts().serverSideApply();
            }
        }
    }

    private void awaitReady(int healthPort) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kueue exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> ready = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Kueue not ready within 90 s:\n" + tail());
    }

    /** Waits until the API server gets answers from Kueue's webhooks: a dry-run ResourceFlavor passes them. */
    private void awaitAdmitting() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        RuntimeException last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                client.genericKubernetesResources(RESOURCE_FLAVORS)
                        .resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                                .withApiVersion(API_VERSION)
                                .withKind("ResourceFlavor")
                                .withNewMetadata()
                                .withName("webhook-probe")
                                .endMetadata()
                                .build())
                        .dryRun()
                        .create();
                return;
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("Kueue's webhooks do not answer the API server: " + last, last);
    }

    /**
     * What a platform team sets up for one team's GPUs: a ResourceFlavor, a ClusterQueue with a quota of {@code gpus}
     * GPUs (and ample CPU and memory) that preempts lower-priority workloads, and a LocalQueue in {@code namespace}.
     */
    public void createQueue(String namespace, String localQueue, String clusterQueue, int gpus) {
        apply("""
                apiVersion: kueue.x-k8s.io/v1beta2
                kind: ResourceFlavor
                metadata: {name: gpu}
                """);
        apply("""
                apiVersion: kueue.x-k8s.io/v1beta2
                kind: ClusterQueue
                metadata: {name: %s}
                spec:
                  namespaceSelector: {}
                  queueingStrategy: BestEffortFIFO
                  preemption:
                    withinClusterQueue: LowerPriority
                  resourceGroups:
                    - coveredResources: [cpu, memory, nvidia.com/gpu]
                      flavors:
                        - name: gpu
                          resources:
                            - {name: cpu, nominalQuota: 1000}
                            - {name: memory, nominalQuota: 10000Gi}
                            - {name: nvidia.com/gpu, nominalQuota: %d}
                """.formatted(clusterQueue, gpus));
        apply("""
                apiVersion: kueue.x-k8s.io/v1beta2
                kind: LocalQueue
                metadata: {name: %s, namespace: %s}
                spec: {clusterQueue: %s}
                """.formatted(localQueue, namespace, clusterQueue));
    }

    private void apply(String yaml) {
        client.resource(client.getKubernetesSerialization()
                        .unmarshal(yaml, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class))
                .forceConflicts()
                .serverSideApply();
    }

    /** Kueue's Workloads in a namespace. */
    public List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> workloads(String namespace) {
        return client.genericKubernetesResources(WORKLOADS)
                .inNamespace(namespace)
                .list()
                .getItems();
    }

    /** The manager's log. */
    public Path log() {
        return log;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        for (String name : List.of(MUTATING, VALIDATING)) {
            try {
                client.admissionRegistration()
                        .v1()
                        .mutatingWebhookConfigurations()
                        .withName(name)
                        .delete();
                client.admissionRegistration()
                        .v1()
                        .validatingWebhookConfigurations()
                        .withName(name)
                        .delete();
            } catch (RuntimeException e) {
                // the control plane may be gone already
            }
        }
        certificateVolume.close();
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
