package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * In-cluster Endpoint weights through the Gateway API: the sandbox serves gateway.networking.k8s.io/v1 (as a cluster
 * with its CRDs installed) and the operator is configured with a Gateway; weights go into an HTTPRoute, and changing
 * them updates only the route — no Deployment rolls, so no request is dropped.
 */
class GatewayRouteE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static Sandbox sandbox;
    private static KubernetesClient client;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(
                new Sandbox.Options(REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-gateway"), 1, 1, 0.2, 0, false));
        GatewayApi.install(sandbox.client());
        sandbox.operatorEnvironment().put("MLFORGE_SERVING_GATEWAY_NAME", "mlforge-gateway");
        sandbox.operatorEnvironment().put("MLFORGE_SERVING_GATEWAY_NAMESPACE", "infra");
        sandbox.startOperator();
        client = sandbox.client();
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static String endpoint(int stable, int candidate) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: ranker, namespace: default}
                spec:
                  model: {image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/ranker:1", dataUri: "s3://mlforge-examples/ranker/model.tar.gz"}
                  variants:
                    - {name: stable, weight: %d, instanceCount: 2}
                    - {name: candidate, weight: %d, instanceCount: 1}
                """.formatted(stable, candidate);
    }

    private static void apply(String yaml) {
        client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .inNamespace("default")
                .createOrReplace();
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> routeWeights() {
        GenericKubernetesResource route = client.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
                .inNamespace("default")
                .withName("ranker")
                .get();
        if (route == null) {
            return List.of();
        }
        Map<String, Object> spec =
                (Map<String, Object>) route.getAdditionalProperties().get("spec");
        List<Map<String, Object>> rules = (List<Map<String, Object>>) spec.get("rules");
        return ((List<Map<String, Object>>) rules.get(0).get("backendRefs"))
                .stream().map(b -> ((Number) b.get("weight")).intValue()).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void weightsGoThroughAnHttpRouteAndChangeWithoutRollingPods() {
        apply(endpoint(80, 20));
        org.awaitility.Awaitility.await("route")
                .atMost(Duration.ofSeconds(60))
                .until(() -> routeWeights().equals(List.of(80, 20)));
        GenericKubernetesResource route = client.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
                .inNamespace("default")
                .withName("ranker")
                .get();
        Map<String, Object> spec =
                (Map<String, Object>) route.getAdditionalProperties().get("spec");
        assertThat((List<Map<String, Object>>) spec.get("parentRefs"))
                .singleElement()
                .satisfies(p ->
                        assertThat(p).containsEntry("name", "mlforge-gateway").containsEntry("namespace", "infra"));
        org.awaitility.Awaitility.await("InService")
                .atMost(Duration.ofSeconds(60))
                .until(() -> {
                    GenericKubernetesResource e = client.genericKubernetesResources(Sandbox.ENDPOINTS)
                            .inNamespace("default")
                            .withName("ranker")
                            .get();
                    return e.getAdditionalProperties().get("status") instanceof Map<?, ?> s
                            && "InService".equals(s.get("phase"));
                });
        long stableGeneration = client.apps()
                .deployments()
                .inNamespace("default")
                .withName("ranker-stable")
                .get()
                .getMetadata()
                .getGeneration();
        long candidateGeneration = client.apps()
                .deployments()
                .inNamespace("default")
                .withName("ranker-candidate")
                .get()
                .getMetadata()
                .getGeneration();

        apply(endpoint(50, 50));
        org.awaitility.Awaitility.await("route reweighted")
                .atMost(Duration.ofSeconds(30))
                .until(() -> routeWeights().equals(List.of(50, 50)));
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("default")
                        .withName("ranker-stable")
                        .get()
                        .getMetadata()
                        .getGeneration())
                .as("no pod template change: nothing rolls")
                .isEqualTo(stableGeneration);
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("default")
                        .withName("ranker-candidate")
                        .get()
                        .getMetadata()
                        .getGeneration())
                .isEqualTo(candidateGeneration);
        org.awaitility.Awaitility.await("status weights")
                .atMost(Duration.ofSeconds(30))
                .until(() -> {
                    GenericKubernetesResource e = client.genericKubernetesResources(Sandbox.ENDPOINTS)
                            .inNamespace("default")
                            .withName("ranker")
                            .get();
                    Map<String, Object> status =
                            (Map<String, Object>) e.getAdditionalProperties().get("status");
                    return ((List<Map<String, Object>>) status.get("variants"))
                            .stream().allMatch(v -> Double.valueOf(0.5).equals(v.get("currentWeight")));
                });
    }
}
