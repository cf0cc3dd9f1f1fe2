package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.api.v1alpha1.TrainingJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Endpoints end to end, SageMaker and in-cluster: the packaged operator against the sandbox's API server and the
 * SageMaker emulator; assertions on status, on the emulator's request log and on the API server's audit log.
 */
class EndpointE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final Set<String> WRITES = Set.of(
            "CreateModel",
            "CreateEndpointConfig",
            "CreateEndpoint",
            "UpdateEndpoint",
            "DeleteEndpoint",
            "DeleteEndpointConfig",
            "DeleteModel");
    private static Sandbox sandbox;
    private static KubernetesClient client;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(new Sandbox.Options(
                REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-endpoints"), 1, 1, 0.2, 0, true, true));
        client = sandbox.client();
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static void apply(String yaml) {
        sandbox.applyYaml(yaml);
    }

    /** The endpoint's status through the typed API (an empty status while it has none). */
    private static EndpointStatus status(String name) {
        Endpoint endpoint = client.resources(Endpoint.class)
                .inNamespace("default")
                .withName(name)
                .get();
        return endpoint == null || endpoint.getStatus() == null ? new EndpointStatus() : endpoint.getStatus();
    }

    private static EndpointStatus await(String name, String what, Predicate<EndpointStatus> condition) {
        org.awaitility.Awaitility.await(name + " " + what)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> condition.test(status(name)));
        return status(name);
    }

    private static boolean inService(EndpointStatus s) {
        return s.phase == EndpointPhase.InService;
    }

    /** InService, no update pending, and serving a model whose data URI contains {@code dataUriPart} (per SageMaker's CreateModel). */
    private static Predicate<EndpointStatus> inServiceWith(String dataUriPart) {
        return s -> inService(s)
                && s.sagemaker != null
                && s.sagemaker.pendingEndpointConfigName == null
                && s.sagemaker.modelNames != null
                && sandbox.sagemaker().requestLog().stream()
                        .anyMatch(r -> "CreateModel".equals(r.path("operation").asText())
                                && s.sagemaker.modelNames.contains(
                                        r.at("/request/ModelName").asText())
                                && r.at("/request/PrimaryContainer/ModelDataUrl")
                                        .asText()
                                        .contains(dataUriPart));
    }

    private static List<JsonNode> writes(String endpointName) {
        return sandbox.sagemaker().requestLog().stream()
                .filter(r -> WRITES.contains(r.path("operation").asText()))
                .filter(r -> r.path("request").toString().contains(endpointName))
                .toList();
    }

    private static String endpoint(String name, String image, String dataUri, String extra) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: %s, namespace: default}
                spec:
                  backend: SageMaker
                  model: {image: "%s", dataUri: "%s"}
                  variants:
                    - {name: primary, instanceType: ml.m5.large, instanceCount: 2, weight: 0.8}
                    - {name: canary, instanceType: ml.m5.large, instanceCount: 1, weight: 0.2}
                  sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                %s""".formatted(name, image, dataUri, extra);
    }

    static final String XGB = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";

    @Test
    void realTimeEndpointUpdatesBlueGreenAndCollectsTheOldConfig() throws Exception {
        apply(endpoint(
                "churn",
                XGB,
                "s3://mlforge-examples/churn/v1/model.tar.gz",
                "  deployment: {strategy: Canary, canary: {trafficPercent: 10, waitSeconds: 60}}\n"));
        EndpointStatus first = await("churn", "InService", inServiceWith("v1"));
        String firstConfig = first.sagemaker.endpointConfigName;
        assertThat(first.sagemaker.endpointName).isEqualTo("default-churn");
        assertThat(first.sagemaker.endpointStatus).isEqualTo("InService");
        assertThat(first.url)
                .isEqualTo("https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/default-churn/invocations");
        assertThat(first.variants)
                .extracting(v -> v.name + "=" + v.currentWeight)
                .containsExactly("primary=0.8", "canary=0.2");

        // re-applying the same spec writes nothing to SageMaker
        int writesBefore = writes("default-churn").size();
        apply(endpoint(
                "churn",
                XGB,
                "s3://mlforge-examples/churn/v1/model.tar.gz",
                "  deployment: {strategy: Canary, canary: {trafficPercent: 10, waitSeconds: 60}}\n"));
        org.awaitility.Awaitility.await("no SageMaker writes")
                .during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> writes("default-churn").size() == writesBefore);

        // a new model: new model + config, UpdateEndpoint with the canary policy, then the old config is deleted
        apply(endpoint(
                "churn",
                XGB,
                "s3://mlforge-examples/churn/v2/model.tar.gz",
                "  deployment: {strategy: Canary, canary: {trafficPercent: 10, waitSeconds: 60}}\n"));
        EndpointStatus second = await(
                "churn",
                "updated",
                s -> inServiceWith("v2").test(s) && !firstConfig.equals(s.sagemaker.endpointConfigName));
        String secondConfig = second.sagemaker.endpointConfigName;
        List<JsonNode> update = sandbox.sagemaker().requestLog().stream()
                .filter(r -> "UpdateEndpoint".equals(r.path("operation").asText()))
                .toList();
        assertThat(update).last().satisfies(r -> {
            assertThat(r.at("/request/EndpointConfigName").asText()).isEqualTo(secondConfig);
            assertThat(r.at("/request/DeploymentConfig/BlueGreenUpdatePolicy/TrafficRoutingConfiguration/Type")
                            .asText())
                    .isEqualTo("CANARY");
        });
        org.awaitility.Awaitility.await("old config deleted")
                .atMost(Duration.ofSeconds(30))
                .until(() -> sandbox.sagemaker().requestLog().stream()
                        .anyMatch(r -> "DeleteEndpointConfig"
                                        .equals(r.path("operation").asText())
                                && firstConfig.equals(
                                        r.at("/request/EndpointConfigName").asText())));
    }

    private static String weighted(String name, double primary, int primaryCount, double canary, int canaryCount) {
        return endpoint(name, XGB, "s3://mlforge-examples/" + name + "/v1/model.tar.gz", "")
                .replace("instanceCount: 2, weight: 0.8", "instanceCount: " + primaryCount + ", weight: " + primary)
                .replace("instanceCount: 1, weight: 0.2", "instanceCount: " + canaryCount + ", weight: " + canary);
    }

    private static String weights(EndpointStatus s, boolean current) {
        return s.variants == null
                ? ""
                : s.variants.stream()
                        .map(v -> v.name + "=" + (current ? v.currentWeight : v.desiredWeight))
                        .toList()
                        .toString();
    }

    /** An UpdateEndpointWeightsAndCapacities request's entries, e.g. {@code primary weight 0.5 instances 3}. */
    private static List<String> entries(JsonNode desired) {
        List<String> entries = new java.util.ArrayList<>();
        for (JsonNode d : desired) {
            entries.add(d.path("VariantName").asText()
                    + (d.has("DesiredWeight")
                            ? " weight " + d.get("DesiredWeight").asDouble()
                            : "")
                    + (d.has("DesiredInstanceCount")
                            ? " instances " + d.get("DesiredInstanceCount").asInt()
                            : ""));
        }
        return entries;
    }

    @Test
    void weightAndInstanceCountChangesApplyInPlaceWithoutASecondFleet() throws Exception {
        apply(weighted("ranker", 0.9, 2, 0.1, 1));
        EndpointStatus first = await("ranker", "InService", inServiceWith("ranker/v1"));
        String config = first.sagemaker.endpointConfigName;
        int logBefore = sandbox.sagemaker().requestLog().size();
        List<EndpointStatus> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var watch = client.resources(Endpoint.class)
                .inNamespace("default")
                .withName("ranker")
                .watch(new io.fabric8.kubernetes.client.Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Endpoint resource) {
                        if (resource.getStatus() != null) {
                            seen.add(resource.getStatus());
                        }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                })) {
            // 90/10 to 50/50, and 3 and 2 instances: only weights and counts, so no new config and no blue/green
            apply(weighted("ranker", 0.5, 3, 0.5, 2));
            EndpointStatus done = await(
                    "ranker",
                    "in service at 50/50 with 3 + 2 instances",
                    s -> inService(s)
                            && weights(s, true).equals("[primary=0.5, canary=0.5]")
                            && s.variants.stream()
                                    .map(v -> v.readyInstances)
                                    .toList()
                                    .equals(List.of(3, 2)));
            assertThat(done.sagemaker.endpointConfigName)
                    .as("the config in service is the same")
                    .isEqualTo(config);
            assertThat(done.conditions).anySatisfy(c -> {
                assertThat(c.type).isEqualTo(EndpointStatus.UPDATE_FAILED);
                assertThat(c.status).isEqualTo(ConditionStatus.False);
                assertThat(c.reason).isEqualTo("UpdateSucceeded");
            });
            assertThat(seen)
                    .as("while SageMaker applies it, the status shows the desired weights next to the current ones")
                    .anySatisfy(s -> {
                        assertThat(s.phase).isEqualTo(EndpointPhase.Updating);
                        assertThat(weights(s, false)).isEqualTo("[primary=0.5, canary=0.5]");
                        assertThat(weights(s, true)).isEqualTo("[primary=0.9, canary=0.1]");
                    });
        }
        List<JsonNode> after = sandbox.sagemaker().requestLog().stream()
                .skip(logBefore)
                .filter(r -> r.path("request").toString().contains("default-ranker"))
                .toList();
        assertThat(after)
                .extracting(r -> r.path("operation").asText())
                .as("no model, no config, no UpdateEndpoint")
                .doesNotContain("CreateModel", "CreateEndpointConfig", "UpdateEndpoint", "DeleteEndpointConfig");
        List<JsonNode> inPlace = after.stream()
                .filter(r -> "UpdateEndpointWeightsAndCapacities"
                        .equals(r.path("operation").asText()))
                .map(r -> r.at("/request/DesiredWeightsAndCapacities"))
                .toList();
        assertThat(inPlace)
                .as("weights of both variants with one capacity, then the other capacity (one per call)")
                .hasSize(2);
        assertThat(entries(inPlace.get(0))).containsExactly("primary weight 0.5 instances 3", "canary weight 0.5");
        assertThat(entries(inPlace.get(1))).containsExactly("canary instances 2");

        // any other change is still blue/green: a new model gets a new config through UpdateEndpoint
        apply(weighted("ranker", 0.5, 3, 0.5, 2).replace("ranker/v1", "ranker/v2"));
        EndpointStatus rolled = await(
                "ranker",
                "rolled to v2",
                s -> inServiceWith("ranker/v2").test(s) && !config.equals(s.sagemaker.endpointConfigName));
        assertThat(weights(rolled, true)).isEqualTo("[primary=0.5, canary=0.5]");
        assertThat(sandbox.sagemaker().requestLog().stream()
                        .skip(logBefore)
                        .filter(r -> "UpdateEndpoint".equals(r.path("operation").asText())
                                && r.at("/request/EndpointName").asText().equals("default-ranker")))
                .hasSize(1);
    }

    /** An in-cluster Endpoint with the given variants (YAML list items indented by four spaces). */
    private static String inCluster(String name, String variants) {
        String sageMaker = endpoint(name, XGB, "s3://mlforge-examples/" + name + "/v1/model.tar.gz", "");
        return sageMaker
                        .substring(0, sageMaker.indexOf("  variants:"))
                        .replace("backend: SageMaker", "backend: Kubernetes")
                + "  variants:\n" + variants;
    }

    @Test
    void kubectlMlforgeInvokeCallsEndpointsOnBothBackendsAndSaysWhyItCannot() throws Exception {
        KubectlMlforge cli = new KubectlMlforge(sandbox);
        apply(endpoint("scorer", XGB, "s3://mlforge-examples/scorer/v1/model.tar.gz", ""));
        apply(inCluster("scorer-local", """
                    - {name: a, instanceCount: 1, weight: 1}
                    - {name: b, instanceCount: 1, weight: 1, model: {image: "%s", dataUri: "s3://mlforge-examples/scorer/v2/model.tar.gz"}}
                """.formatted(XGB)));
        apply(inCluster("scorer-waiting", "    - {name: a, instanceCount: 1, gpusPerInstance: 64}\n"));
        apply(endpoint("scorer-broken", "serve:sandbox-fail", "s3://mlforge-examples/broken/model.tar.gz", ""));
        await("scorer", "InService", EndpointE2ETest::inService);
        await("scorer-local", "InService", s -> inService(s) && "2/2".equals(s.readyVariants));
        await("scorer-broken", "Failed", s -> s.phase == EndpointPhase.Failed);

        // SageMaker: SageMaker Runtime's InvokeEndpoint, SageMaker picks the variant by weight
        KubectlMlforge.Result sm = cli.run("invoke", "scorer", "--content-type", "text/csv", "--body", "1,2,3\n4,5,6");
        assertThat(sm.exit()).as(sm.err()).isZero();
        assertThat(sm.out()).hasSize(2).allMatch(line -> line.matches("0\\.\\d+"));
        assertThat(sm.err()).containsPattern("served by variant (primary|canary) of SageMaker endpoint default-scorer");
        KubectlMlforge.Result canary = cli.run(
                "invoke", "endpoint/scorer", "--variant", "canary", "--body", "{\"instances\": [[1, 2], [3, 4]]}");
        assertThat(canary.exit()).as(canary.err()).isZero();
        assertThat(String.join("", canary.out())).matches("\\{\"predictions\":\\[0\\.\\d+,0\\.\\d+\\]\\}");
        assertThat(canary.err()).contains("served by variant canary of SageMaker endpoint default-scorer");
        assertThat(sandbox.sagemaker().requestLog())
                .filteredOn(r -> "InvokeEndpoint".equals(r.path("operation").asText()))
                .anySatisfy(r -> {
                    assertThat(r.at("/request/EndpointName").asText()).isEqualTo("default-scorer");
                    assertThat(r.at("/request/TargetVariant").asText()).isEqualTo("canary");
                    assertThat(r.path("status").asInt()).isEqualTo(200);
                    assertThat(r.path("accessKeyId").asText()).isEqualTo(S3Store.ACCESS_KEY);
                });

        // in the cluster: the API server's service proxy to the variant's Service, whose pods answer on their IPs
        KubectlMlforge.Result a = cli.runWithInput(
                "7,8\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "invoke",
                "scorer-local",
                "--variant",
                "a",
                "--content-type",
                "text/csv",
                "--body",
                "-");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(a.out()).hasSize(1).allMatch(line -> line.matches("0\\.\\d+"));
        assertThat(a.err()).contains("served by variant a of Endpoint default/scorer-local (Service scorer-local-a");
        KubectlMlforge.Result b =
                cli.run("invoke", "scorer-local", "--variant", "b", "--content-type", "text/csv", "--body", "7,8");
        assertThat(b.exit()).as(b.err()).isZero();
        assertThat(b.out())
                .as("variant b serves another model: another answer to the same input")
                .hasSize(1)
                .doesNotContainAnyElementsOf(a.out());
        KubectlMlforge.Result either = cli.run("invoke", "scorer-local", "--content-type", "text/csv", "--body", "7,8");
        assertThat(either.exit()).as(either.err()).isZero();
        assertThat(either.err()).containsPattern("served by variant (a|b) of Endpoint default/scorer-local");

        // what it cannot do, it says
        KubectlMlforge.Result missing = cli.run("invoke", "no-such-endpoint", "--body", "x");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("Endpoint default/no-such-endpoint not found");
        KubectlMlforge.Result waiting = cli.run("invoke", "scorer-waiting", "--body", "x");
        assertThat(waiting.exit()).isEqualTo(1);
        assertThat(waiting.err()).contains("Endpoint default/scorer-waiting is not ready: phase Creating");
        KubectlMlforge.Result broken = cli.run("invoke", "scorer-broken", "--body", "x");
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.err())
                .contains("Endpoint default/scorer-broken failed:")
                .contains("ping health check");
        KubectlMlforge.Result noVariant = cli.run("invoke", "scorer", "--variant", "shadow", "--body", "x");
        assertThat(noVariant.exit()).isEqualTo(1);
        assertThat(noVariant.err()).contains("has no variant shadow (variants: [primary, canary])");
        KubectlMlforge.Result noBody = cli.run("invoke", "scorer");
        assertThat(noBody.exit()).isEqualTo(2);
        assertThat(noBody.err()).contains("--body");
        for (String name : List.of("scorer", "scorer-local", "scorer-waiting", "scorer-broken")) {
            client.genericKubernetesResources(Sandbox.ENDPOINTS)
                    .inNamespace("default")
                    .withName(name)
                    .delete();
        }
    }

    @Test
    void aFailedUpdateIsImpossibleToMissAndTheOldVersionKeepsServing() throws Exception {
        apply(endpoint("fraud", XGB, "s3://mlforge-examples/fraud/v1/model.tar.gz", ""));
        EndpointStatus serving = await("fraud", "InService", inServiceWith("v1"));
        String good = serving.sagemaker.endpointConfigName;
        apply(endpoint(
                "fraud",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/sandbox-fail:1",
                "s3://mlforge-examples/fraud/v2/model.tar.gz",
                ""));
        EndpointStatus failed = await("fraud", "UpdateFailed", s -> s.failedUpdate != null);
        assertThat(failed.sagemaker.endpointConfigName).isEqualTo(good);
        assertThat(failed.phase).isEqualTo(EndpointPhase.InService);
        assertThat(failed.conditions).anySatisfy(c -> {
            assertThat(c.type).isEqualTo(EndpointStatus.UPDATE_FAILED);
            assertThat(c.status).isEqualTo(ConditionStatus.True);
            assertThat(c.reason).isEqualTo("UpdateRolledBack");
        });
        assertThat(failed.failedUpdate.reason).contains("ping health check");
        long updates = sandbox.sagemaker().requestLog().stream()
                .filter(r -> "UpdateEndpoint".equals(r.path("operation").asText())
                        && "default-fraud".equals(r.at("/request/EndpointName").asText()))
                .count();
        org.awaitility.Awaitility.await("the failed config is not retried")
                .during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(6))
                .until(() -> sandbox.sagemaker().requestLog().stream()
                                .filter(r -> "UpdateEndpoint"
                                                .equals(r.path("operation").asText())
                                        && "default-fraud"
                                                .equals(r.at("/request/EndpointName")
                                                        .asText()))
                                .count()
                        == updates);
        String metrics = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(sandbox.operator().url("/q/metrics")))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
                .containsPattern(
                        "mlforge_endpoint_updates_total\\{backend=\"SageMaker\",outcome=\"RolledBack\"[^}]*\\} [1-9]")
                .containsPattern("mlforge_endpoints\\{backend=\"SageMaker\",phase=\"InService\"[^}]*\\} [1-9]");
    }

    @Test
    void serverlessAndAsyncSamplesGoInService() throws Exception {
        sandbox.apply(REPO.resolve("config/samples/endpoint-sagemaker-serverless.yaml"));
        sandbox.apply(REPO.resolve("config/samples/endpoint-sagemaker-async.yaml"));
        await("sentiment-serverless", "InService", EndpointE2ETest::inService);
        String asyncName =
                client.genericKubernetesResources(Sandbox.ENDPOINTS).inNamespace("default").list().getItems().stream()
                        .map(e -> e.getMetadata().getName())
                        .filter(n -> !n.equals("sentiment-serverless")
                                && !n.startsWith("churn")
                                && !n.startsWith("fraud")
                                && !n.startsWith("gone"))
                        .findFirst()
                        .orElseThrow();
        await(asyncName, "InService", EndpointE2ETest::inService);
        assertThat(sandbox.sagemaker().requestLog()).anySatisfy(r -> {
            assertThat(r.path("operation").asText()).isEqualTo("CreateEndpointConfig");
            assertThat(r.at("/request/ProductionVariants/0/ServerlessConfig/MemorySizeInMB")
                            .asInt())
                    .isEqualTo(5120);
        });
        assertThat(sandbox.sagemaker().requestLog())
                .anyMatch(r -> "CreateEndpointConfig".equals(r.path("operation").asText())
                        && r.at("/request/AsyncInferenceConfig/OutputConfig/S3OutputPath")
                                .asText()
                                .startsWith("s3://"));
    }

    @Test
    void deletingAnEndpointDeletesItsEndpointConfigAndModels() {
        apply(endpoint("gone", XGB, "s3://mlforge-examples/gone/model.tar.gz", ""));
        EndpointStatus serving = await("gone", "InService", inServiceWith("gone"));
        String config = serving.sagemaker.endpointConfigName;
        client.genericKubernetesResources(Sandbox.ENDPOINTS)
                .inNamespace("default")
                .withName("gone")
                .delete();
        org.awaitility.Awaitility.await("gone")
                .atMost(Duration.ofSeconds(60))
                .until(() -> client.genericKubernetesResources(Sandbox.ENDPOINTS)
                                .inNamespace("default")
                                .withName("gone")
                                .get()
                        == null);
        List<String> deletes = sandbox.sagemaker().requestLog().stream()
                .filter(r -> r.path("operation").asText().startsWith("Delete"))
                .filter(r -> r.path("request").toString().contains("default-gone"))
                .map(r -> r.path("operation").asText())
                .distinct()
                .toList();
        assertThat(deletes).contains("DeleteEndpoint", "DeleteEndpointConfig", "DeleteModel");
        assertThat(sandbox.sagemaker().requestLog())
                .anyMatch(r -> "DeleteEndpointConfig".equals(r.path("operation").asText())
                        && config.equals(r.at("/request/EndpointConfigName").asText()));
    }

    @Test
    void theRealTimeSampleScalesThroughApplicationAutoScaling() throws Exception {
        sandbox.apply(REPO.resolve("config/samples/endpoint-sagemaker-realtime.yaml"));
        await("fraud-realtime", "InService", EndpointE2ETest::inService);
        Predicate<JsonNode> ours =
                r -> r.at("/request/ResourceId").asText().startsWith("endpoint/default-fraud-realtime/");
        org.awaitility.Awaitility.await("scaling applied")
                .atMost(Duration.ofSeconds(30))
                .until(() -> sandbox.sagemaker().requestLog().stream()
                        .anyMatch(r ->
                                "PutScalingPolicy".equals(r.path("operation").asText()) && ours.test(r)));
        JsonNode target = sandbox.sagemaker().requestLog().stream()
                .filter(r -> "RegisterScalableTarget".equals(r.path("operation").asText()))
                .filter(ours)
                .findFirst()
                .orElseThrow()
                .path("request");
        assertThat(target.path("ResourceId").asText()).isEqualTo("endpoint/default-fraud-realtime/variant/primary");
        assertThat(target.path("ScalableDimension").asText()).isEqualTo("sagemaker:variant:DesiredInstanceCount");
        assertThat(target.path("MinCapacity").asInt()).isEqualTo(2);
        assertThat(target.path("MaxCapacity").asInt()).isEqualTo(8);
        JsonNode policy = sandbox.sagemaker().requestLog().stream()
                .filter(r -> "PutScalingPolicy".equals(r.path("operation").asText()))
                .filter(ours)
                .findFirst()
                .orElseThrow()
                .path("request")
                .path("TargetTrackingScalingPolicyConfiguration");
        assertThat(policy.path("TargetValue").asDouble()).isEqualTo(1000.0);
        assertThat(policy.at("/PredefinedMetricSpecification/PredefinedMetricType")
                        .asText())
                .isEqualTo("SageMakerVariantInvocationsPerInstance");
        assertThat(policy.path("ScaleInCooldown").asInt()).isEqualTo(300);
        assertThat(policy.path("ScaleOutCooldown").asInt()).isEqualTo(60);
        JsonNode config = sandbox.sagemaker().requestLog().stream()
                .filter(r -> "CreateEndpointConfig".equals(r.path("operation").asText())
                        && r.at("/request/EndpointConfigName").asText().startsWith("default-fraud-realtime-"))
                .findFirst()
                .orElseThrow()
                .path("request");
        assertThat(config.at("/DataCaptureConfig/InitialSamplingPercentage").asInt())
                .isEqualTo(20);
        // the same variant moves to the high-resolution concurrency metric: its one policy is replaced in place
        sandbox.applyYaml(Files.readString(REPO.resolve("config/samples/endpoint-sagemaker-realtime.yaml"))
                .replace("targetInvocationsPerInstance: 1000", "targetConcurrency: 5"));
        org.awaitility.Awaitility.await("concurrency policy")
                .atMost(Duration.ofSeconds(30))
                .until(() -> sandbox.sagemaker().requestLog().stream()
                        .filter(r ->
                                "PutScalingPolicy".equals(r.path("operation").asText()))
                        .filter(ours)
                        .anyMatch(r -> r.at("/request/TargetTrackingScalingPolicyConfiguration"
                                        + "/PredefinedMetricSpecification/PredefinedMetricType")
                                .asText()
                                .equals("SageMakerVariantConcurrentRequestsPerModelHighResolution")));
        List<JsonNode> puts = sandbox.sagemaker().requestLog().stream()
                .filter(r -> "PutScalingPolicy".equals(r.path("operation").asText()))
                .filter(ours)
                .map(r -> r.path("request"))
                .toList();
        assertThat(puts)
                .extracting(p -> p.path("PolicyName").asText())
                .containsOnly("default-fraud-realtime-primary-invocations");
        assertThat(puts.get(puts.size() - 1)
                        .at("/TargetTrackingScalingPolicyConfiguration/TargetValue")
                        .asDouble())
                .isEqualTo(5.0);
        assertThat(sandbox.sagemaker().requestLog())
                .as("an autoscaling change is no new endpoint config")
                .filteredOn(
                        r -> "CreateEndpointConfig".equals(r.path("operation").asText())
                                && r.at("/request/EndpointConfigName").asText().startsWith("default-fraud-realtime-"))
                .hasSize(1);
        client.genericKubernetesResources(Sandbox.ENDPOINTS)
                .inNamespace("default")
                .withName("fraud-realtime")
                .delete();
        org.awaitility.Awaitility.await("deregistered")
                .atMost(Duration.ofSeconds(60))
                .until(() -> sandbox.sagemaker().requestLog().stream()
                        .anyMatch(r -> "DeregisterScalableTarget"
                                        .equals(r.path("operation").asText())
                                && ours.test(r)));
    }

    @Test
    void aModelFromATrainingJobWaitsForItThenServesItsArtifacts() {
        apply("""
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: from-training, namespace: default}
                spec:
                  backend: SageMaker
                  model: {image: "%s", fromTrainingJob: xgb-for-serving}
                  variants:
                    - {name: primary, instanceType: ml.m5.large, instanceCount: 1}
                  sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """.formatted(XGB));
        EndpointStatus waiting = await("from-training", "waiting", s -> s.conditions != null);
        assertThat(waiting.conditions).anySatisfy(c -> {
            assertThat(c.type).isEqualTo(EndpointStatus.MODEL_RESOLVED);
            assertThat(c.status).isEqualTo(ConditionStatus.False);
            assertThat(c.reason).isEqualTo("TrainingJobNotFound");
        });
        apply("""
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: xgb-for-serving, namespace: default}
                spec:
                  backend: SageMaker
                  image: mlforge/sandbox-trainer
                  hyperParameters: {epochs: "3"}
                  resources: {instanceType: ml.m5.xlarge, instanceCount: 1}
                  output: {uri: "s3://mlforge-examples/models/"}
                  sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """);
        EndpointStatus serving = await("from-training", "InService", EndpointE2ETest::inService);
        String artifacts = client.resources(TrainingJob.class)
                .inNamespace("default")
                .withName("xgb-for-serving")
                .get()
                .getStatus()
                .modelArtifacts;
        assertThat(serving.resolvedModels).singleElement().satisfies(r -> {
            assertThat(r.variant).isEqualTo("primary");
            assertThat(r.dataUri).isEqualTo(artifacts);
            assertThat(r.source).isEqualTo("TrainingJob/xgb-for-serving");
        });
        assertThat(sandbox.sagemaker().requestLog())
                .anyMatch(r -> "CreateModel".equals(r.path("operation").asText())
                        && artifacts.equals(
                                r.at("/request/PrimaryContainer/ModelDataUrl").asText()));

        // a container of an inference pipeline takes its model from a TrainingJob the same way
        apply("""
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: from-training-pipeline, namespace: default}
                spec:
                  backend: SageMaker
                  model:
                    pipeline:
                      - {name: features, image: "%s", dataUri: "s3://mlforge-examples/features/model.tar.gz"}
                      - {name: model, image: "%s", fromTrainingJob: xgb-for-serving}
                  variants:
                    - {name: primary, instanceType: ml.m5.large, instanceCount: 1}
                  sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """.formatted(XGB, XGB));
        EndpointStatus pipeline = await("from-training-pipeline", "InService", EndpointE2ETest::inService);
        assertThat(pipeline.resolvedModels).singleElement().satisfies(r -> {
            assertThat(r.variant).isEqualTo("primary");
            assertThat(r.container).isEqualTo("model");
            assertThat(r.dataUri).isEqualTo(artifacts);
        });
        assertThat(sandbox.sagemaker().requestLog())
                .anyMatch(r -> "CreateModel".equals(r.path("operation").asText())
                        && "model"
                                .equals(r.at("/request/Containers/1/ContainerHostname")
                                        .asText())
                        && artifacts.equals(
                                r.at("/request/Containers/1/ModelDataUrl").asText()));
    }

    @Test
    void inClusterEndpointWithTwoWeightedVariantsBecomesReadyScalesAndRollsANewModel() throws Exception {
        sandbox.controlPlane().resetRequests();
        sandbox.apply(REPO.resolve("config/samples/endpoint-weighted-variants.yaml"));
        EndpointStatus ready = await("churn-model", "InService", EndpointE2ETest::inService);
        // Its objects are read from the informers' caches: one missing there is created straight away, and read from
        // the API server at most once (by a reconcile that ran before the cache had it), however many times the
        // rollouts reconciled the endpoint; the autoscalers are never listed.
        Map<String, Long> requests = new TreeMap<>();
        sandbox.controlPlane().requestsUpToNow(sandbox.operatorIdentity().userName()).stream()
                .filter(r -> r.name().startsWith("churn-model") || "list".equals(r.verb()))
                .forEach(r -> requests.merge(r.verb() + " " + r.fullResource(), 1L, Long::sum));
        assertThat(requests)
                .as("%s", requests)
                .containsEntry("create deployments", 2L)
                .containsEntry("create services", 3L)
                .containsEntry("create horizontalpodautoscalers", 1L)
                .doesNotContainKey("list horizontalpodautoscalers")
                .doesNotContainKey("update deployments")
                .as("no finalizer: the garbage collector removes what the endpoint owns")
                .doesNotContainKey("patch endpoints");
        assertThat(requests.getOrDefault("get deployments", 0L))
                .as("%s", requests)
                .isLessThanOrEqualTo(2L);
        assertThat(requests.getOrDefault("get services", 0L)).as("%s", requests).isLessThanOrEqualTo(3L);
        assertThat(requests.getOrDefault("get horizontalpodautoscalers", 0L))
                .as("%s", requests)
                .isLessThanOrEqualTo(1L);
        assertThat(requests.values().stream().mapToLong(Long::longValue).sum())
                .as("every request of the operator for it until InService: %s", requests)
                .isLessThanOrEqualTo(14L);
        assertThat(ready.url).isEqualTo("http://churn-model.default.svc:8080/invocations");
        assertThat(ready.readyVariants).isEqualTo("2/2");
        assertThat(ready.variants)
                .extracting(v -> v.name + " desired=" + v.desiredWeight + " current=" + v.currentWeight + " ready="
                        + v.readyInstances)
                .containsExactly(
                        "stable desired=0.9 current=0.667 ready=2", "candidate desired=0.1 current=0.333 ready=1");
        var stable = client.apps()
                .deployments()
                .inNamespace("default")
                .withName("churn-model-stable")
                .get();
        var pod = stable.getSpec().getTemplate().getSpec();
        assertThat(pod.getInitContainers()).singleElement().satisfies(c -> {
            assertThat(c.getArgs()).containsExactly("model");
            assertThat(c.getEnv())
                    .anySatisfy(e ->
                            assertThat(e.getValue()).isEqualTo("s3://mlforge-examples/churn/models/v3/model.tar.gz"));
        });
        assertThat(pod.getContainers().get(0).getReadinessProbe().getHttpGet().getPath())
                .isEqualTo("/ping");
        assertThat(pod.getContainers().get(0).getArgs()).containsExactly("serve");
        assertThat(pod.getServiceAccountName()).isEqualTo("model-reader");
        assertThat(stable.getSpec()
                        .getStrategy()
                        .getRollingUpdate()
                        .getMaxUnavailable()
                        .getIntVal())
                .isZero();
        assertThat(client.services()
                        .inNamespace("default")
                        .withLabel("mlforge.io/endpoint", "churn-model")
                        .list()
                        .getItems())
                .extracting(x -> x.getMetadata().getName())
                .containsExactlyInAnyOrder("churn-model", "churn-model-stable", "churn-model-candidate");
        var hpa = client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace("default")
                .withName("churn-model-stable")
                .get();
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);

        // the autoscaler scales the stable variant: the operator keeps its count
        client.apps()
                .deployments()
                .inNamespace("default")
                .withName("churn-model-stable")
                .edit(d -> {
                    d.getSpec().setReplicas(4);
                    return d;
                });
        EndpointStatus scaled = await(
                "churn-model",
                "scaled",
                s -> s.variants != null
                        && s.variants.stream()
                                .anyMatch(v -> "stable".equals(v.name)
                                        && Integer.valueOf(4).equals(v.readyInstances)));
        assertThat(scaled.variants).extracting(v -> v.currentWeight).containsExactly(0.8, 0.2);

        // a new model for the candidate rolls its Deployment only
        String stableHash =
                stable.getSpec().getTemplate().getMetadata().getAnnotations().get("mlforge.io/model-hash");
        client.resources(Endpoint.class)
                .inNamespace("default")
                .withName("churn-model")
                .edit(e -> {
                    e.getSpec().variants.get(1).model.dataUri = "s3://mlforge-examples/churn/models/v5/model.tar.gz";
                    return e;
                });
        org.awaitility.Awaitility.await("candidate rolled")
                .atMost(Duration.ofSeconds(30))
                .until(() -> client
                        .apps()
                        .deployments()
                        .inNamespace("default")
                        .withName("churn-model-candidate")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getInitContainers()
                        .get(0)
                        .getEnv()
                        .stream()
                        .anyMatch(e -> "s3://mlforge-examples/churn/models/v5/model.tar.gz".equals(e.getValue())));
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("default")
                        .withName("churn-model-stable")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get("mlforge.io/model-hash"))
                .isEqualTo(stableHash);
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("default")
                        .withName("churn-model-stable")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(4);
        await("churn-model", "InService again", EndpointE2ETest::inService);

        assertThat(client.genericKubernetesResources(Sandbox.ENDPOINTS)
                        .inNamespace("default")
                        .withName("churn-model")
                        .get()
                        .getMetadata()
                        .getFinalizers())
                .isEmpty();
        client.genericKubernetesResources(Sandbox.ENDPOINTS)
                .inNamespace("default")
                .withName("churn-model")
                .delete();
        // kube-controller-manager's garbage collector removes what the endpoint owned
        org.awaitility.Awaitility.await("objects removed")
                .atMost(Duration.ofSeconds(30))
                .until(() -> client.apps()
                                .deployments()
                                .inNamespace("default")
                                .withLabel("mlforge.io/endpoint", "churn-model")
                                .list()
                                .getItems()
                                .isEmpty()
                        && client.services()
                                .inNamespace("default")
                                .withLabel("mlforge.io/endpoint", "churn-model")
                                .list()
                                .getItems()
                                .isEmpty());
    }

    private static void emulatorCall(String operation, String json) throws Exception {
        java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(sandbox.sagemaker().endpoint()))
                                .header("X-Amz-Target", "SageMaker." + operation)
                                .header("Content-Type", "application/x-amz-json-1.1")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void anEndpointDeletedOutsideMlforgeIsCreatedAgain() throws Exception {
        apply(endpoint("drift", XGB, "s3://mlforge-examples/drift/model.tar.gz", ""));
        EndpointStatus serving = await("drift", "InService", inServiceWith("drift"));
        emulatorCall("DeleteEndpoint", "{\"EndpointName\": \"default-drift\"}");
        // found by the next describe (the interval doubles while the endpoint is stable, up to 5 minutes)
        org.awaitility.Awaitility.await("created again")
                .atMost(Duration.ofSeconds(60))
                .until(() -> sandbox.sagemaker().requestLog().stream()
                                .filter(r -> "CreateEndpoint"
                                                .equals(r.path("operation").asText())
                                        && "default-drift"
                                                .equals(r.at("/request/EndpointName")
                                                        .asText()))
                                .count()
                        == 2);
        await("drift", "InService again", s -> inService(s) && s.sagemaker.pendingEndpointConfigName == null);
        // Events are sent off the reconcile path: wait for it
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(client.v1()
                                .events()
                                .inNamespace("default")
                                .list()
                                .getItems())
                        .anyMatch(e -> "drift".equals(e.getInvolvedObject().getName())
                                && "DriftRepaired".equals(e.getReason())));
        assertThat(status("drift").sagemaker.endpointConfigName).isEqualTo(serving.sagemaker.endpointConfigName);
    }

    @Test
    void anUpdateSageMakerRejectsKeepsTheOldVersionAndIsNotRetried() throws Exception {
        apply(endpoint("rejected", XGB, "s3://mlforge-examples/rejected/v1/model.tar.gz", ""));
        EndpointStatus serving = await("rejected", "InService", inServiceWith("v1"));
        apply(endpoint(
                "rejected",
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/sandbox-missing:2",
                "s3://mlforge-examples/rejected/v2/model.tar.gz",
                ""));
        EndpointStatus failed = await("rejected", "UpdateFailed", s -> s.failedUpdate != null);
        assertThat(failed.failedUpdate.reason).contains("Requested image").contains("not found");
        assertThat(failed.sagemaker.endpointConfigName).isEqualTo(serving.sagemaker.endpointConfigName);
        long creates = sandbox.sagemaker().requestLog().stream()
                .filter(r -> "CreateModel".equals(r.path("operation").asText())
                        && r.toString().contains("sandbox-missing"))
                .count();
        org.awaitility.Awaitility.await("not retried")
                .during(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(6))
                .until(() -> sandbox.sagemaker().requestLog().stream()
                                .filter(r ->
                                        "CreateModel".equals(r.path("operation").asText())
                                                && r.toString().contains("sandbox-missing"))
                                .count()
                        == creates);
    }

    @Test
    void requestTargetsScaleThroughAnHpaOnCustomMetricsThenThroughKedaOnceInstalled() throws Exception {
        Path sample = REPO.resolve("config/samples/endpoint-request-autoscaling.yaml");
        sandbox.apply(sample);
        EndpointStatus ready = await("sentiment", "InService", EndpointE2ETest::inService);
        assertThat(ready.message).contains("main scaled on requests by HorizontalPodAutoscaler on the custom metrics");
        // the pod: the request router takes the serving port and exposes its counts; the model moves behind it
        var pod = client.apps()
                .deployments()
                .inNamespace("default")
                .withName("sentiment-main")
                .get()
                .getSpec()
                .getTemplate();
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "9091");
        var router = pod.getSpec().getContainers().get(0);
        assertThat(router.getArgs()).containsExactly("pipeline");
        assertThat(router.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("http:8080", "metrics:9091");
        assertThat(router.getEnv())
                .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue())
                        .isEqualTo("MLFORGE_METRICS_LABELS=mlforge_namespace=default,mlforge_endpoint=sentiment,"
                                + "mlforge_variant=main"));
        assertThat(pod.getSpec().getContainers().get(1).getEnv())
                .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("SAGEMAKER_BIND_TO_PORT=8081"));
        // without KEDA: an HPA on the per-pod custom metric, as the API server stored it
        var hpa = client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace("default")
                .withName("sentiment-main")
                .get();
        assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(m -> {
            assertThat(m.getType()).isEqualTo("Pods");
            assertThat(m.getPods().getMetric().getName()).isEqualTo("mlforge_serving_requests_in_flight");
            assertThat(m.getPods().getTarget().getAverageValue())
                    .isEqualTo(new io.fabric8.kubernetes.api.model.Quantity("4"));
        });
        assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
                .isEqualTo(300);

        // KEDA's CRDs installed (its real schema, from its Go module): the next change moves the variant to a
        // ScaledObject, and the HPA goes (KEDA makes its own)
        Keda.install(client);
        try {
            Thread.sleep(2500); // the operator's API discovery interval in the sandbox
            sandbox.applyYaml(Files.readString(sample).replace("targetConcurrency: 4", "targetConcurrency: 6"));
            org.awaitility.Awaitility.await("ScaledObject")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> client.genericKubernetesResources("keda.sh/v1alpha1", "ScaledObject")
                                    .inNamespace("default")
                                    .withName("sentiment-main")
                                    .get()
                            != null);
            org.awaitility.Awaitility.await("HPA removed")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> client.autoscaling()
                                    .v2()
                                    .horizontalPodAutoscalers()
                                    .inNamespace("default")
                                    .withName("sentiment-main")
                                    .get()
                            == null);
            var scaledObject = client.genericKubernetesResources("keda.sh/v1alpha1", "ScaledObject")
                    .inNamespace("default")
                    .withName("sentiment-main")
                    .get();
            @SuppressWarnings("unchecked")
            Map<String, Object> spec =
                    (Map<String, Object>) scaledObject.getAdditionalProperties().get("spec");
            // stored as written: KEDA's schema pruned nothing (the operator writes with strict field validation)
            assertThat(spec)
                    .containsEntry("minReplicaCount", 1)
                    .containsEntry("maxReplicaCount", 4)
                    .containsEntry(
                            "scaleTargetRef",
                            Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "sentiment-main"))
                    .containsEntry(
                            "advanced",
                            Map.of(
                                    "horizontalPodAutoscalerConfig",
                                    Map.of(
                                            "behavior",
                                            Map.of(
                                                    "scaleDown", Map.of("stabilizationWindowSeconds", 300),
                                                    "scaleUp", Map.of("stabilizationWindowSeconds", 0)))));
            assertThat(spec.get("triggers"))
                    .isEqualTo(List.of(Map.of(
                            "type",
                            "prometheus",
                            "name",
                            "concurrency",
                            "metricType",
                            "AverageValue",
                            "metadata",
                            Map.of(
                                    "serverAddress",
                                    "http://prometheus-operated.monitoring.svc:9090",
                                    "query",
                                    "sum(mlforge_serving_requests_in_flight{mlforge_namespace=\"default\","
                                            + "mlforge_endpoint=\"sentiment\",mlforge_variant=\"main\"})",
                                    "threshold",
                                    "6"))));
            await("sentiment", "reports KEDA", s -> s.message != null && s.message.contains("by KEDA ScaledObject"));

            // back to CPU: the ScaledObject goes, an HPA on CPU comes back
            sandbox.applyYaml(
                    Files.readString(sample).replace("targetConcurrency: 4", "targetCpuUtilizationPercent: 60"));
            org.awaitility.Awaitility.await("ScaledObject removed")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> client.genericKubernetesResources("keda.sh/v1alpha1", "ScaledObject")
                                    .inNamespace("default")
                                    .withName("sentiment-main")
                                    .get()
                            == null);
            org.awaitility.Awaitility.await("CPU HPA")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        var cpu = client.autoscaling()
                                .v2()
                                .horizontalPodAutoscalers()
                                .inNamespace("default")
                                .withName("sentiment-main")
                                .get();
                        return cpu != null
                                && "cpu"
                                        .equals(cpu.getSpec()
                                                .getMetrics()
                                                .get(0)
                                                .getResource()
                                                .getName());
                    });
        } finally {
            client.genericKubernetesResources(Sandbox.ENDPOINTS)
                    .inNamespace("default")
                    .withName("sentiment")
                    .delete();
            Keda.uninstall(client);
        }
    }

    /** A model.tar.gz of {@code megabytes} MB of incompressible weights, as a real model is. */
    private static byte[] modelArchive(int megabytes) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        byte[] weights = new byte[megabytes << 20];
        new java.util.Random(42).nextBytes(weights);
        try (var gzip = new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(bytes);
                var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(gzip)) {
            var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("model.safetensors");
            entry.setSize(weights.length);
            tar.putArchiveEntry(entry);
            tar.write(weights);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void aSecondReplicaAndARestartedPodTakeTheModelFromTheNodesCache() throws Exception {
        sandbox.objects()
                .put(io.mlforge.agent.S3Location.parse("s3://mlforge-examples/cached/model.tar.gz"), modelArchive(64));
        String endpoint = """
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: cached, namespace: default}
                spec:
                  model: {image: "registry.example.com/llm:1", dataUri: "s3://mlforge-examples/cached/model.tar.gz"}
                  variants:
                    - {name: main, instanceCount: COUNT}
                  kubernetes:
                    modelCache: {source: Node, maxSize: 1Gi}
                """;
        try {
            apply(endpoint.replace("COUNT", "1"));
            await("cached", "InService", EndpointE2ETest::inService);
            apply(endpoint.replace("COUNT", "2"));
            await("cached", "two ready", s -> s.variants != null && s.variants.get(0).readyInstances == 2);
            var pods = client.pods()
                    .inNamespace("default")
                    .withLabel("mlforge.io/endpoint", "cached")
                    .list()
                    .getItems();
            // restart one: its replacement finds the model too
            String restarted = pods.get(0).getMetadata().getName();
            client.pods()
                    .inNamespace("default")
                    .withName(restarted)
                    .withGracePeriod(0)
                    .delete();
            org.awaitility.Awaitility.await("replacement")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> sandbox.modelInstalls().installs().keySet().stream()
                                    .filter(k -> k.startsWith("default/cached-main-"))
                                    .count()
                            == 3);
            List<io.mlforge.sandbox.nodes.ModelInstalls.Installed> installs =
                    sandbox.modelInstalls().installs().entrySet().stream()
                            .filter(e -> e.getKey().startsWith("default/cached-main-"))
                            .flatMap(e -> e.getValue().stream())
                            .sorted(java.util.Comparator.comparing(i -> !i.hit()))
                            .toList();
            assertThat(installs).extracting(i -> i.hit()).containsExactlyInAnyOrder(false, true, true);
            var cold = installs.stream().filter(i -> !i.hit()).findFirst().orElseThrow();
            var warm = installs.stream().filter(i -> i.hit()).toList();
            assertThat(cold.bytes()).isEqualTo(64L << 20);
            for (var w : warm) {
                assertThat(w.millis()).as("a cache hit downloads nothing").isLessThan(cold.millis());
            }
            System.out.printf(
                    "model start on one node: first %d ms (downloaded and unpacked %d MiB), then %s ms from the cache%n",
                    cold.millis(),
                    cold.bytes() >> 20,
                    warm.stream().map(w -> Long.toString(w.millis())).toList());
            // what a user sees: the init container's log through the API server, of a warm pod that still exists (the
            // restarted pod may have been the first warm one)
            String warmPod = warm.stream()
                    .map(w -> w.pod())
                    .filter(pod -> !pod.equals(restarted))
                    .findFirst()
                    .orElseThrow();
            assertThat(client.pods()
                            .inNamespace("default")
                            .withName(warmPod)
                            .inContainer("model-download")
                            .getLog())
                    .contains("cache hit (" + (64L << 20) + " bytes)");
        } finally {
            client.genericKubernetesResources(Sandbox.ENDPOINTS)
                    .inNamespace("default")
                    .withName("cached")
                    .delete();
        }
    }
}
