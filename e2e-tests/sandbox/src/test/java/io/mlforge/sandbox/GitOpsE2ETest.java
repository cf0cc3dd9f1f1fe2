package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlforge.controlplane.Kubectl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MLForge resources kept in Git and applied the way Argo CD and Flux apply them: server-side apply under a field
 * manager of their own, again and again, while the operator works on the same objects. No apply conflicts with the
 * operator's writes, no drift (a repeated apply changes nothing), and the operator owns only status and its
 * finalizer, never a field of the spec.
 */
class GitOpsE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Sandbox sandbox;
    private static Kubectl kubectl;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(
                new Sandbox.Options(REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-gitops"), 2, 8, 0.2, 0, true));
        kubectl = new Kubectl(sandbox.controlPlane().kubectl(), sandbox.kubeconfig());
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static Kubectl.Result gitopsApply(Path manifest) {
        Kubectl.Result result =
                kubectl.run("apply", "--server-side", "--field-manager=gitops-controller", "-f", manifest.toString());
        assertThat(result.ok())
                .as("server-side apply of %s:\n%s", manifest.getFileName(), result)
                .isTrue();
        return result;
    }

    private static JsonNode get(Path manifest) throws Exception {
        Kubectl.Result result = kubectl.run("get", "-f", manifest.toString(), "-o", "json", "--show-managed-fields");
        assertThat(result.ok()).as(result.toString()).isTrue();
        JsonNode node = JSON.readTree(result.out());
        return node.has("items") ? node.path("items").get(0) : node;
    }

    private static java.util.Map<String, String> kstatus() throws Exception {
        Kubectl.Result list = kubectl.run("get", "mltj,mltune,mlep", "-o", "json");
        assertThat(list.ok()).as(list.toString()).isTrue();
        return io.mlforge.controlplane.Kstatus.compute(list.out());
    }

    @Test
    void kstatusSeesWorkInProgressFinishedWorkAsCurrentAndAFailedJobAsFailed() throws Exception {
        Kubectl.Result suspended =
                kubectl.runWithInput("""
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: gitops-suspended, namespace: default}
                spec: {image: mlforge/sandbox-trainer:latest, suspend: true}
                ---
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: gitops-crash, namespace: default}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "20"}
                  kubernetes:
                    podAnnotations: {sandbox.mlforge.io/fail-after: "1", sandbox.mlforge.io/exit-code: "3"}
                """, "apply", "--server-side", "--field-manager=gitops-controller", "-f", "-");
        assertThat(suspended.ok()).as(suspended.toString()).isTrue();
        gitopsApply(REPO.resolve("config/samples/trainingjob-sandbox-trainer.yaml"));
        assertThat(kubectl.run("wait", "--for=condition=Succeeded", "mltj/sandbox-branin", "--timeout=120s")
                        .ok())
                .isTrue();
        assertThat(kubectl.run("wait", "--for=condition=Failed", "mltj/gitops-crash", "--timeout=120s")
                        .ok())
                .isTrue();
        Awaitility.await("kstatus")
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(kstatus())
                        .containsEntry("TrainingJob/gitops-suspended", "InProgress")
                        .containsEntry("TrainingJob/sandbox-branin", "Current")
                        .containsEntry("TrainingJob/gitops-crash", "Failed"));
        // as Flux's own controllers set them: each of the two conditions present only while True
        assertThat(conditionTypes("gitops-suspended")).contains("Reconciling").doesNotContain("Stalled");
        assertThat(conditionTypes("sandbox-branin")).doesNotContain("Reconciling", "Stalled");
        assertThat(conditionTypes("gitops-crash")).contains("Stalled").doesNotContain("Reconciling");
    }

    private static List<String> conditionTypes(String trainingJob) throws Exception {
        Kubectl.Result result = kubectl.run("get", "mltj", trainingJob, "-o", "json");
        assertThat(result.ok()).as(result.toString()).isTrue();
        List<String> types = new ArrayList<>();
        JSON.readTree(result.out())
                .at("/status/conditions")
                .forEach(c -> types.add(c.path("type").asText()));
        return types;
    }

    @Test
    void everySampleTheSandboxRunsIsAppliedThreeTimesWithoutConflictOrDrift() throws Exception {
        List<Path> samples = new ArrayList<>(List.of(
                REPO.resolve("config/samples/trainingjob-sandbox-trainer.yaml"),
                REPO.resolve("config/samples/tuningjob-grid.yaml"),
                REPO.resolve("config/samples/endpoint-weighted-variants.yaml"),
                REPO.resolve("config/samples/endpoint-sagemaker-realtime.yaml")));
        for (Path sample : samples) {
            gitopsApply(sample);
        }
        // while the operator adds finalizers and writes status, the GitOps tool syncs again (twice)
        Awaitility.await("operator status on every sample")
                .atMost(Duration.ofSeconds(120))
                .until(() -> {
                    for (Path sample : samples) {
                        if (!get(sample).path("status").has("phase")) {
                            return false;
                        }
                    }
                    return true;
                });
        for (int sync = 2; sync <= 3; sync++) {
            for (Path sample : samples) {
                JsonNode before = get(sample);
                gitopsApply(sample);
                JsonNode after = get(sample);
                assertThat(after.at("/metadata/generation").asLong())
                        .as("sync %d of %s: the spec did not drift", sync, sample.getFileName())
                        .isEqualTo(before.at("/metadata/generation").asLong());
                assertThat(after.path("spec")).isEqualTo(before.path("spec"));
            }
        }
        for (Path sample : samples) {
            JsonNode object = get(sample);
            for (JsonNode entry : object.at("/metadata/managedFields")) {
                String manager = entry.path("manager").asText();
                if (manager.equals("gitops-controller")) {
                    assertThat(entry.path("operation").asText()).isEqualTo("Apply");
                    continue;
                }
                // everything else is the operator's: status, and its finalizer in metadata — never the spec
                List<String> owned = new ArrayList<>();
                entry.path("fieldsV1").fieldNames().forEachRemaining(owned::add);
                assertThat(owned)
                        .as(
                                "%s: fields of manager %s (%s)",
                                sample.getFileName(),
                                manager,
                                entry.path("subresource").asText())
                        .doesNotContain("f:spec");
            }
        }
    }
}
