package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.controlplane.ControlPlane.AuditedRequest;
import io.mlforge.controlplane.OperatorIdentity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator chart's RBAC is exactly what the operator needs. The packaged operator runs as the chart's
 * ServiceAccount (cluster-wide install, leader election on) through named scenarios that cover every feature that
 * touches Kubernetes objects; the API server's audit log records each request the operator makes. Then: no request was
 * denied, and every permission the chart grants (API group, resource, verb) was used by at least one named scenario.
 * A permission no scenario uses is either dead (remove it from the chart) or needed by a path no scenario covers (add
 * the scenario): either way this test says which.
 */
class ChartRbacE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final String LEASE = "mlforge-operator-leader";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static Sandbox sandbox;
    private static KubernetesClient client;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(new Sandbox.Options(
                REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-rbac"), 2, 4, 0.2, 0, false, true));
        client = sandbox.client();
        GatewayApi.install(client);
        Keda.install(client);
        sandbox.enableLeaderElection(LEASE);
        sandbox.operatorEnvironment().put("MLFORGE_SERVING_GATEWAY_NAME", "mlforge-gateway");
        sandbox.operatorEnvironment().put("MLFORGE_SERVING_GATEWAY_NAMESPACE", "infra");
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** A permission as RBAC grants it. */
    record Permission(String apiGroup, String resource, String verb) implements Comparable<Permission> {
        @Override
        public int compareTo(Permission o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return (apiGroup.isEmpty() ? "core" : apiGroup) + " " + resource + " " + verb;
        }
    }

    /**
     * Permissions no request uses but the operator checks for before it starts: JOSDK's leader election asks (with a
     * SelfSubjectRulesReview) for create, get and update on Leases and refuses to start without update, although
     * fabric8's lock renews with patch.
     */
    private static final Map<Permission, String> CHECKED_AT_START =
            Map.of(new Permission("coordination.k8s.io", "leases", "update"), "JOSDK's lease access check at start-up");

    private final Map<String, Set<Permission>> usedBy = new LinkedHashMap<>();
    private final List<String> denied = new ArrayList<>();
    private final Set<Permission> ownerChecks = new TreeSet<>();

    /** Runs one scenario and records which permissions the operator's requests during it needed. */
    private void scenario(String name, Callable<?> body) throws Exception {
        sandbox.controlPlane().resetRequests();
        ownerChecks.clear();
        body.call();
        List<AuditedRequest> requests = sandbox.controlPlane()
                .requestsUpToNow(sandbox.operatorIdentity().userName());
        Set<Permission> used = new TreeSet<>();
        for (AuditedRequest r : requests) {
            if (r.resource().startsWith("/")) {
                continue; // discovery and /version: granted to every authenticated user by system:discovery
            }
            if (r.forbiddenByRbac()) {
                denied.add(name + ": " + r);
            }
            used.add(new Permission(r.apiGroup(), r.fullResource(), r.verb()));
        }
        used.addAll(ownerChecks);
        usedBy.put(name, used);
    }

    /**
     * Owner references that block the owner's deletion: with OwnerReferencesPermissionEnforcement (on in our control
     * plane, as on OpenShift) creating such an object needs update on the owner's finalizers, a check the audit log
     * does not show as a request. Records it for the scenario running now.
     */
    private void blockingOwnerReferencesOf(List<? extends io.fabric8.kubernetes.api.model.HasMetadata> objects) {
        assertThat(objects).as("objects to read owner references from").isNotEmpty();
        for (var object : objects) {
            for (var ref : object.getMetadata().getOwnerReferences()) {
                if (Boolean.TRUE.equals(ref.getBlockOwnerDeletion())) {
                    ownerChecks.add(new Permission(
                            ref.getApiVersion().split("/")[0], ref.getKind().toLowerCase() + "s/finalizers", "update"));
                }
            }
        }
    }

    private static Set<Permission> granted(List<PolicyRule> rules) {
        Set<Permission> granted = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        granted.add(new Permission(group, resource, verb));
                    }
                }
            }
        }
        return granted;
    }

    private static String phase(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind, String name) {
        Object phase = sandbox.status(kind, name).get("phase");
        return phase == null ? "" : phase.toString();
    }

    private static void awaitPhase(
            io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind, String name, String phase) {
        await(name + " " + phase)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> phase.equals(phase(kind, name)));
    }

    private static void deleteAndAwaitGone(
            io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind, String name) {
        client.genericKubernetesResources(kind)
                .inNamespace("default")
                .withName(name)
                .delete();
        await(name + " deleted")
                .atMost(WAIT)
                .until(() -> client.genericKubernetesResources(kind)
                                .inNamespace("default")
                                .withName(name)
                                .get()
                        == null);
    }

    private static String leaseRenewTime() {
        var lease = client.leases()
                .inNamespace(OperatorIdentity.NAMESPACE)
                .withName(LEASE)
                .get();
        return lease == null || lease.getSpec().getRenewTime() == null
                ? ""
                : lease.getSpec().getRenewTime().toString();
    }

    private static String trainingJob(String name, int epochs, String extra) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: %s, namespace: default}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {objective: branin, x1: "3.1", x2: "2.3", epochs: "%d"}
                  resources: {instanceCount: 2, gpusPerInstance: 1}
                  metrics: [{name: "validation:objective", regex: "objective=([-0-9.]+)"}]
                %s""".formatted(name, epochs, extra);
    }

    private static String endpoint(String image, int maxInstances, int stable, int candidate, boolean withCandidate) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: ranker, namespace: default}
                spec:
                  backend: Kubernetes
                  model: {image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/%s", dataUri: "s3://mlforge-examples/ranker/model.tar.gz"}
                  variants:
                    - name: stable
                      weight: %d
                      instanceCount: 1
                      autoscaling: {minInstances: 1, maxInstances: %d, targetCpuUtilizationPercent: 70}
                """.formatted(image, stable, maxInstances) + (withCandidate ? """
                    - {name: candidate, weight: %d, instanceCount: 1}
                """.formatted(candidate) : "");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyPermissionTheChartGrantsIsUsedByANamedScenarioAndNoRequestIsDenied() throws Exception {
        scenario("operator start-up with leader election", () -> {
            sandbox.startOperator();
            await("lease held").atMost(WAIT).until(() -> !leaseRenewTime().isEmpty());
            String first = leaseRenewTime();
            await("lease renewed").atMost(WAIT).until(() -> !leaseRenewTime().equals(first));
            return null;
        });
        scenario("distributed in-cluster TrainingJob reading a pvc:// channel, metrics from the trainer's log", () -> {
            sandbox.applyYaml(trainingJob("pvc-reader", 4, """
                      inputs: [{name: train, uri: "pvc://sft-datasets/alpaca/"}]
                    """));
            awaitPhase(Sandbox.TRAINING_JOBS, "pvc-reader", "Completed");
            blockingOwnerReferencesOf(client.pods()
                    .inNamespace("default")
                    .withLabel("mlforge.io/training-job", "pvc-reader")
                    .list()
                    .getItems());
            return null;
        });
        scenario("in-cluster TrainingJob stopped by its user", () -> {
            sandbox.applyYaml(trainingJob("stopped", 200, ""));
            awaitPhase(Sandbox.TRAINING_JOBS, "stopped", "Running");
            client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                    .inNamespace("default")
                    .withName("stopped")
                    .edit(j -> {
                        ((Map<String, Object>) j.getAdditionalProperties().get("spec")).put("stop", true);
                        return j;
                    });
            awaitPhase(Sandbox.TRAINING_JOBS, "stopped", "Stopped");
            return null;
        });
        scenario(
                "in-cluster TrainingJob whose pods a ResourceQuota refuses: its repeated CreationBlocked warning is one Event with a count",
                () -> {
                    client.namespaces()
                            .resource(new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName("team-quota")
                                    .endMetadata()
                                    .build())
                            .create();
                    client.resourceQuotas()
                            .inNamespace("team-quota")
                            .resource(new ResourceQuotaBuilder()
                                    .withNewMetadata()
                                    .withName("no-pods")
                                    .endMetadata()
                                    .withNewSpec()
                                    .addToHard("pods", new Quantity("0"))
                                    .endSpec()
                                    .build())
                            .create();
                    // the quota controller's first count, so that every refusal carries the same message
                    await("quota counted")
                            .atMost(WAIT)
                            .until(() -> client.resourceQuotas()
                                            .inNamespace("team-quota")
                                            .withName("no-pods")
                                            .get()
                                            .getStatus()
                                    != null);
                    client.load(new ByteArrayInputStream(trainingJob("over-quota", 2, "")
                                    .replace("namespace: default", "namespace: team-quota")
                                    .getBytes(StandardCharsets.UTF_8)))
                            .inNamespace("team-quota")
                            .create();
                    await("CreationBlocked counted twice (the operator retries every 30 s)")
                            .atMost(Duration.ofSeconds(100))
                            .until(() -> client.v1().events().inNamespace("team-quota").list().getItems().stream()
                                    .anyMatch(e -> "CreationBlocked".equals(e.getReason())
                                            && e.getCount() != null
                                            && e.getCount() >= 2));
                    assertThat(client.v1().events().inNamespace("team-quota").list().getItems().stream()
                                    .filter(e -> "CreationBlocked".equals(e.getReason())))
                            .as("one Event, counted")
                            .hasSize(1);
                    client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                            .inNamespace("team-quota")
                            .withName("over-quota")
                            .delete();
                    await("over-quota deleted")
                            .atMost(WAIT)
                            .until(() -> client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                                            .inNamespace("team-quota")
                                            .withName("over-quota")
                                            .get()
                                    == null);
                    return null;
                });
        scenario("in-cluster TrainingJob deleted while it runs", () -> {
            sandbox.applyYaml(trainingJob("deleted-early", 200, ""));
            awaitPhase(Sandbox.TRAINING_JOBS, "deleted-early", "Running");
            deleteAndAwaitGone(Sandbox.TRAINING_JOBS, "deleted-early");
            return null;
        });
        scenario(
                "in-cluster TrainingJob with the finalizer of an earlier version, deleted while it runs: its pods go first",
                () -> {
                    sandbox.applyYaml(trainingJob("legacy", 200, "")
                            .replace(
                                    "metadata: {name: legacy, namespace: default}",
                                    "metadata: {name: legacy, namespace: default,"
                                            + " finalizers: [trainingjobs.mlforge.io/finalizer]}"));
                    awaitPhase(Sandbox.TRAINING_JOBS, "legacy", "Running");
                    deleteAndAwaitGone(Sandbox.TRAINING_JOBS, "legacy");
                    return null;
                });
        scenario(
                "SageMaker TrainingJob deleted while it trains: finalizer added, job stopped, finalizer removed",
                () -> {
                    sandbox.applyYaml("""
                    apiVersion: mlforge.io/v1alpha1
                    kind: TrainingJob
                    metadata: {name: on-sagemaker, namespace: default}
                    spec:
                      backend: SageMaker
                      image: mlforge/sandbox-trainer:latest
                      hyperParameters: {epochs: "200"}
                      resources: {instanceType: ml.m5.xlarge, instanceCount: 1}
                      output: {uri: "s3://bucket/rbac/"}
                      sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                    """);
                    awaitPhase(Sandbox.TRAINING_JOBS, "on-sagemaker", "Running");
                    deleteAndAwaitGone(Sandbox.TRAINING_JOBS, "on-sagemaker");
                    return null;
                });
        scenario(
                "in-cluster TuningJob runs its trials, an Endpoint serves its best trial's model, both deleted", () -> {
                    sandbox.applyYaml("""
                    apiVersion: mlforge.io/v1alpha1
                    kind: TuningJob
                    metadata: {name: grid, namespace: default}
                    spec:
                      strategy: Grid
                      objective: {metricName: "validation:objective", type: Minimize}
                      parameters: [{name: x1, type: Categorical, values: ["2", "3"]}]
                      maxParallelTrials: 2
                      trainingJobTemplate:
                        spec:
                          image: mlforge/sandbox-trainer:latest
                          hyperParameters: {objective: branin, x2: "2.3", epochs: "3"}
                          resources: {instanceCount: 1}
                          output: {uri: "s3://mlforge-examples/models/"}
                          metrics: [{name: "validation:objective", regex: "objective=([-0-9.]+)"}]
                    """);
                    awaitPhase(Sandbox.TUNING_JOBS, "grid", "Completed");
                    blockingOwnerReferencesOf(client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                            .inNamespace("default")
                            .withLabel("mlforge.io/tuning-job", "grid")
                            .list()
                            .getItems());
                    sandbox.applyYaml("""
                    apiVersion: mlforge.io/v1alpha1
                    kind: Endpoint
                    metadata: {name: best-of-grid, namespace: default}
                    spec:
                      backend: Kubernetes
                      model: {image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/branin-serve:1", fromTuningJob: grid}
                      variants: [{name: primary, instanceCount: 1}]
                    """);
                    awaitPhase(Sandbox.ENDPOINTS, "best-of-grid", "InService");
                    deleteAndAwaitGone(Sandbox.ENDPOINTS, "best-of-grid");
                    deleteAndAwaitGone(Sandbox.TUNING_JOBS, "grid");
                    await("trials deleted")
                            .atMost(WAIT)
                            .until(() -> client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                                    .inNamespace("default")
                                    .withLabel("mlforge.io/tuning-job", "grid")
                                    .list()
                                    .getItems()
                                    .isEmpty());
                    return null;
                });
        scenario(
                "in-cluster Endpoint behind a Gateway: two autoscaled variants, reweighted, new model and port, one variant removed, deleted",
                () -> {
                    sandbox.applyYaml(endpoint("ranker:1", 3, 90, 10, true));
                    awaitPhase(Sandbox.ENDPOINTS, "ranker", "InService");
                    blockingOwnerReferencesOf(client.apps()
                            .deployments()
                            .inNamespace("default")
                            .withLabel("mlforge.io/endpoint", "ranker")
                            .list()
                            .getItems());
                    sandbox.applyYaml(endpoint("ranker:1", 3, 50, 50, true));
                    await("reweighted")
                            .atMost(WAIT)
                            .until(() -> client.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
                                    .inNamespace("default")
                                    .withName("ranker")
                                    .get()
                                    .toString()
                                    .contains("weight=50"));
                    sandbox.applyYaml(endpoint("ranker:2", 5, 50, 50, true) + "  kubernetes: {port: 9000}\n");
                    await("new model, port and autoscaling limit").atMost(WAIT).until(() -> {
                        var d = client.apps()
                                .deployments()
                                .inNamespace("default")
                                .withName("ranker-stable")
                                .get();
                        var h = client.autoscaling()
                                .v2()
                                .horizontalPodAutoscalers()
                                .inNamespace("default")
                                .withName("ranker-stable")
                                .get();
                        var svc = client.services()
                                .inNamespace("default")
                                .withName("ranker-stable")
                                .get();
                        return d != null
                                && d.getSpec()
                                        .getTemplate()
                                        .getSpec()
                                        .getContainers()
                                        .get(0)
                                        .getImage()
                                        .endsWith("ranker:2")
                                && h != null
                                && h.getSpec().getMaxReplicas() == 5
                                && svc != null
                                && svc.getSpec().getPorts().get(0).getPort() == 9000;
                    });
                    sandbox.applyYaml(endpoint("ranker:2", 5, 100, 0, false) + "  kubernetes: {port: 9000}\n");
                    await("candidate removed")
                            .atMost(WAIT)
                            .until(() -> client.apps().deployments().inNamespace("default").list().getItems().stream()
                                    .noneMatch(d -> d.getMetadata().getName().contains("candidate")));
                    deleteAndAwaitGone(Sandbox.ENDPOINTS, "ranker");
                    return null;
                });
        scenario(
                "in-cluster Endpoint scaled on requests by KEDA, with the finalizer of an earlier version: created,"
                        + " retargeted, moved to CPU and back, deleted (its objects deleted by the operator first)",
                () -> {
                    String requests = """
                            apiVersion: mlforge.io/v1alpha1
                            kind: Endpoint
                            metadata: {name: chat, namespace: default, finalizers: [endpoints.mlforge.io/finalizer]}
                            spec:
                              model: {image: registry.example.com/chat:1}
                              variants:
                                - name: main
                                  autoscaling: {minInstances: 1, maxInstances: 3, TARGET}
                            """;
                    var scaledObjects = client.genericKubernetesResources("keda.sh/v1alpha1", "ScaledObject")
                            .inNamespace("default");
                    sandbox.applyYaml(requests.replace("TARGET", "targetConcurrency: 2"));
                    awaitPhase(Sandbox.ENDPOINTS, "chat", "InService");
                    blockingOwnerReferencesOf(
                            List.of(scaledObjects.withName("chat-main").get()));
                    sandbox.applyYaml(requests.replace("TARGET", "targetInvocationsPerInstance: 600"));
                    await("retargeted")
                            .atMost(WAIT)
                            .until(() -> scaledObjects
                                    .withName("chat-main")
                                    .get()
                                    .toString()
                                    .contains("rate("));
                    sandbox.applyYaml(requests.replace("TARGET", "targetCpuUtilizationPercent: 50"));
                    await("moved to CPU")
                            .atMost(WAIT)
                            .until(() -> scaledObjects.withName("chat-main").get() == null);
                    sandbox.applyYaml(requests.replace("TARGET", "targetConcurrency: 2"));
                    await("back on requests")
                            .atMost(WAIT)
                            .until(() -> scaledObjects.withName("chat-main").get() != null);
                    deleteAndAwaitGone(Sandbox.ENDPOINTS, "chat");
                    return null;
                });

        try (Kueue kueue = Kueue.start(sandbox.controlPlane(), REPO.resolve("e2e-tests/sandbox/target/e2e-rbac"))) {
            kueue.createQueue("default", "small", "small-gpus", 2);
            scenario("in-cluster TrainingJob queued by Kueue beyond its quota, then deleted", () -> {
                sandbox.applyYaml("""
                        apiVersion: mlforge.io/v1alpha1
                        kind: TrainingJob
                        metadata: {name: over-quota, namespace: default}
                        spec:
                          image: mlforge/sandbox-trainer:latest
                          resources: {gpusPerInstance: 4}
                          kubernetes: {queueName: small}
                        """);
                await("Kueue's reason in the status")
                        .atMost(WAIT)
                        .until(() -> String.valueOf((Object) client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                                        .inNamespace("default")
                                        .withName("over-quota")
                                        .get()
                                        .get("status"))
                                .contains("couldn't assign flavors"));
                deleteAndAwaitGone(Sandbox.TRAINING_JOBS, "over-quota");
                return null;
            });
        }

        List<PolicyRule> rules = new ArrayList<>(client.rbac()
                .clusterRoles()
                .withName(OperatorIdentity.RELEASE)
                .get()
                .getRules());
        rules.addAll(client.rbac()
                .roles()
                .inNamespace(OperatorIdentity.NAMESPACE)
                .withName(OperatorIdentity.RELEASE + "-leader-election")
                .get()
                .getRules());
        Set<Permission> granted = granted(rules);
        Map<Permission, List<String>> scenariosOf = new TreeMap<>();
        granted.forEach(p -> scenariosOf.put(p, new ArrayList<>()));
        usedBy.forEach((scenario, used) -> used.forEach(
                p -> scenariosOf.computeIfAbsent(p, x -> new ArrayList<>()).add(scenario)));
        CHECKED_AT_START.forEach((p, why) ->
                scenariosOf.computeIfAbsent(p, x -> new ArrayList<>()).add(why));
        System.out.println(
                "permission -> scenarios that needed it (* = not granted by the chart; allowed to every user by the"
                        + " API server's default system:basic-user role, or denied below)");
        scenariosOf.forEach((p, scenarios) -> System.out.printf(
                "  %-55s %s%n",
                p + (granted.contains(p) ? "" : " *"), scenarios.isEmpty() ? "NONE" : String.join(" | ", scenarios)));

        assertThat(denied).as("requests the chart's RBAC denied").isEmpty();
        // "get" on a resource the operator lists reveals nothing "list" does not: it may come with it
        Set<Permission> unused = new TreeSet<>(granted);
        unused.removeIf(p -> !scenariosOf.get(p).isEmpty()
                || p.verb().equals("get")
                        && !scenariosOf
                                .getOrDefault(new Permission(p.apiGroup(), p.resource(), "list"), List.of())
                                .isEmpty());
        assertThat(unused)
                .as("permissions the chart grants that no scenario needed")
                .isEmpty();
    }
}
