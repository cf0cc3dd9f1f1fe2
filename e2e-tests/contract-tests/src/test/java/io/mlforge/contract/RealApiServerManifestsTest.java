package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlforge.controlplane.Kubectl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API contract on a real kube-apiserver, through kubectl as users run it: every sample is accepted by
 * client-side and server-side apply (and re-applying changes nothing), every manifest in config/invalid is
 * rejected with the message its header names, and the real server's behaviour our imitation missed (unknown
 * fields, status validation) holds for our CRDs.
 */
class RealApiServerManifestsTest {
    private static final String EXPECTED = "# expected-error: ";

    static List<Path> samples() {
        return Repo.yamlFiles(Repo.root().resolve("config/samples"));
    }

    static List<Path> invalidManifests() {
        return Repo.yamlFiles(Repo.root().resolve("config/invalid"));
    }

    static String expectedError(Path manifest) {
        return Repo.read(manifest)
                .lines()
                .filter(l -> l.startsWith(EXPECTED))
                .findFirst()
                .map(l -> l.substring(EXPECTED.length()))
                .orElseThrow(() -> new AssertionError(manifest + " has no '" + EXPECTED + "' line"));
    }

    private static String namespaceFor(String prefix, Path file) {
        String base = file.getFileName()
                .toString()
                .replace(".yaml", "")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]", "-");
        String name = prefix + "-" + base;
        return name.length() <= 63
                ? name
                : name.substring(0, 54) + "-" + Integer.toHexString(base.hashCode() & 0xfffffff);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleIsAcceptedByClientSideAndServerSideApply(Path sample) {
        String clientSide = namespaceFor("csa", sample);
        String serverSide = namespaceFor("ssa", sample);
        SharedControlPlane.createNamespace(clientSide);
        SharedControlPlane.createNamespace(serverSide);
        Kubectl.Result created = SharedControlPlane.kubectl("apply", "-n", clientSide, "-f", sample.toString());
        assertThat(created.ok())
                .as("kubectl apply -f %s:\n%s", sample.getFileName(), created)
                .isTrue();
        assertThat(created.out()).contains("created");
        String first = resourceVersions(clientSide, sample);
        Kubectl.Result again = SharedControlPlane.kubectl("apply", "-n", clientSide, "-f", sample.toString());
        assertThat(again.ok()).as(again.toString()).isTrue();
        // kubectl may say "configured" (a JSON merge patch replaces lists whose items the server defaulted), but the
        // server finds nothing to change and writes nothing
        assertThat(resourceVersions(clientSide, sample))
                .as("re-applying the same sample writes nothing")
                .isEqualTo(first);

        Kubectl.Result applied =
                SharedControlPlane.kubectl("apply", "--server-side", "-n", serverSide, "-f", sample.toString());
        assertThat(applied.ok())
                .as("kubectl apply --server-side -f %s:\n%s", sample.getFileName(), applied)
                .isTrue();
        assertThat(applied.out()).contains("serverside-applied");
        String before = resourceVersions(serverSide, sample);
        Kubectl.Result reapplied =
                SharedControlPlane.kubectl("apply", "--server-side", "-n", serverSide, "-f", sample.toString());
        assertThat(reapplied.ok()).as(reapplied.toString()).isTrue();
        assertThat(resourceVersions(serverSide, sample))
                .as("a second server-side apply of the same manifest writes nothing")
                .isEqualTo(before);
    }

    private static String resourceVersions(String namespace, Path manifest) {
        Kubectl.Result get = SharedControlPlane.kubectl(
                "get",
                "-n",
                namespace,
                "-f",
                manifest.toString(),
                "-o",
                "jsonpath={.items[*].metadata.resourceVersion}");
        assertThat(get.ok()).as(get.toString()).isTrue();
        return get.out();
    }

    @ParameterizedTest
    @MethodSource("invalidManifests")
    void invalidManifestIsRejectedWithItsMessage(Path manifest) {
        String expected = expectedError(manifest);
        String namespace = namespaceFor("inv", manifest);
        SharedControlPlane.createNamespace(namespace);
        List<String> documents = documents(Repo.read(manifest));
        assertThat(documents).hasSizeBetween(1, 2);
        if (documents.size() == 2) {
            Kubectl.Result stored =
                    SharedControlPlane.kubectlWithInput(documents.get(0), "apply", "-n", namespace, "-f", "-");
            assertThat(stored.ok())
                    .as("%s: the stored object must be accepted:\n%s", manifest.getFileName(), stored)
                    .isTrue();
        }
        Kubectl.Result rejected = SharedControlPlane.kubectlWithInput(
                documents.get(documents.size() - 1), "apply", "-n", namespace, "-f", "-");
        assertThat(rejected.ok())
                .as("%s must be rejected:\n%s", manifest.getFileName(), rejected)
                .isFalse();
        assertThat(serverNeutral(rejected.err()))
                .as("%s", manifest.getFileName())
                .contains(serverNeutral(expected));
    }

    @Test
    void everyCelRuleHasAnInvalidManifest() {
        java.util.Set<String> messages = new java.util.TreeSet<>();
        for (String file : Repo.CRD_FILES) {
            SchemaWalk.visit(
                    Repo.generatedCrdTree(file).at("/spec/versions/0/schema/openAPIV3Schema"), "", (node, path) -> {
                        node.path("x-kubernetes-validations")
                                .forEach(v -> messages.add(v.path("message").asText()));
                        return true;
                    });
        }
        List<String> expected = invalidManifests().stream()
                .map(RealApiServerManifestsTest::expectedError)
                .toList();
        List<String> uncovered = messages.stream()
                .filter(m -> expected.stream().noneMatch(e -> e.endsWith(": " + m)))
                .toList();
        assertThat(uncovered)
                .as("CEL rules without a manifest in config/invalid")
                .isEmpty();
        assertThat(messages).hasSizeGreaterThan(60);
    }

    /**
     * Where a CEL rule rejects a value, Kubernetes 1.34 names its type ({@code Invalid value: "object": msg},
     * {@code Invalid value: "integer": msg}) and 1.37 shows scalars and nothing for objects ({@code Invalid value: 5000: msg},
     * {@code Invalid value: msg}); the headers carry 1.37's wording. Both sides are compared without that token, so the
     * on-demand run on the oldest claimed minor checks the same rules and messages.
     */
    static String serverNeutral(String message) {
        return message.replaceAll(
                "(Invalid value|Required value|Forbidden|Duplicate value): (\"(object|array|string|integer|number|boolean)\"|-?[0-9.]+): ",
                "$1: ");
    }

    /** The YAML documents of a file, as text (the header comment stays with the first). */
    static List<String> documents(String text) {
        List<String> documents = new ArrayList<>();
        for (String part : text.split("(?m)^---\\s*$")) {
            if (!Repo.readYaml(part).isEmpty()) {
                documents.add(part);
            }
        }
        return documents;
    }

    @Test
    void kubectlGetMlforgeListsAllThreeKindsWithTheirDesignedColumns() {
        String namespace = "kubectl-get";
        SharedControlPlane.createNamespace(namespace);
        for (String sample :
                List.of("trainingjob-single-gpu.yaml", "tuningjob-grid.yaml", "endpoint-weighted-variants.yaml")) {
            Kubectl.Result applied = SharedControlPlane.kubectl(
                    "apply",
                    "-n",
                    namespace,
                    "-f",
                    Repo.root().resolve("config/samples").resolve(sample).toString());
            assertThat(applied.ok()).as(applied.toString()).isTrue();
        }
        Kubectl.Result all = SharedControlPlane.kubectl("get", "mlforge", "-n", namespace);
        assertThat(all.ok()).as(all.toString()).isTrue();
        assertThat(all.out())
                .contains(
                        "trainingjob.mlforge.io/resnet-finetune",
                        "tuningjob.mlforge.io/rf-grid",
                        "endpoint.mlforge.io/churn-model");
        assertThat(SharedControlPlane.kubectl("get", "mlforge", "-A").out()).contains("kubectl-get");

        for (String[] kind : List.of(
                new String[] {"mltj", "trainingjobs.mlforge.io-v1.yml"},
                new String[] {"mltune", "tuningjobs.mlforge.io-v1.yml"},
                new String[] {"mlep", "endpoints.mlforge.io-v1.yml"})) {
            Kubectl.Result table = SharedControlPlane.kubectl("get", kind[0], "-n", namespace);
            assertThat(table.ok()).as(table.toString()).isTrue();
            List<String> header =
                    List.of(table.out().lines().findFirst().orElseThrow().trim().split("\\s+"));
            List<String> designed = new ArrayList<>(List.of("NAME"));
            for (JsonNode column : Repo.generatedCrdTree(kind[1]).at("/spec/versions/0/additionalPrinterColumns")) {
                if (column.path("priority").asInt(0) == 0) {
                    designed.add(column.path("name").asText().toUpperCase(Locale.ROOT));
                }
            }
            assertThat(header).as("kubectl get %s", kind[0]).containsExactlyElementsOf(designed);
            long extra = java.util.stream.StreamSupport.stream(
                            Repo.generatedCrdTree(kind[1])
                                    .at("/spec/versions/0/additionalPrinterColumns")
                                    .spliterator(),
                            false)
                    .filter(c -> c.path("priority").asInt(0) > 0)
                    .count();
            Kubectl.Result wide = SharedControlPlane.kubectl("get", kind[0], "-n", namespace, "-o", "wide");
            assertThat(wide.out().lines().findFirst().orElseThrow().trim().split("\\s+"))
                    .hasSize(header.size() + (int) extra);
        }
    }

    @Test
    void kubectlExplainShowsOurDescriptions() {
        Kubectl.Result explain = SharedControlPlane.kubectl("explain", "trainingjob.spec.resources");
        assertThat(explain.ok()).as(explain.toString()).isTrue();
        JsonNode resources = Repo.generatedCrdTree("trainingjobs.mlforge.io-v1.yml")
                .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/resources");
        assertThat(explain.out())
                .contains("instanceCount", "gpusPerInstance", "volumeSizeGB")
                .contains(String.join(
                        " ",
                        List.of(resources.path("description").asText().split("\\s+"))
                                .subList(0, 4)));
        Kubectl.Result tuning = SharedControlPlane.kubectl("explain", "tuningjob.spec.parameters");
        assertThat(tuning.ok()).as(tuning.toString()).isTrue();
        assertThat(tuning.out()).contains("scaling");
        assertThat(SharedControlPlane.kubectl("explain", "endpoint.status.conditions")
                        .out())
                .contains("lastTransitionTime");
    }

    @Test
    void unknownFieldsAreAnErrorForKubectlAndDroppedForClientsThatDoNotAskForStrictValidation() {
        String namespace = "unknown-fields";
        SharedControlPlane.createNamespace(namespace);
        String manifest = Repo.read(Repo.root().resolve("config/samples/trainingjob-single-gpu.yaml"))
                .replace("spec:\n", "spec:\n  imagePullPolicyy: Always\n");
        Kubectl.Result strict = SharedControlPlane.kubectlWithInput(manifest, "apply", "-n", namespace, "-f", "-");
        assertThat(strict.ok()).isFalse();
        assertThat(strict.err()).contains("unknown field \"spec.imagePullPolicyy\"");

        try (KubernetesClient client = SharedControlPlane.get().adminClient()) {
            GenericKubernetesResource created = client.genericKubernetesResources(TRAINING_JOBS)
                    .inNamespace(namespace)
                    .load(new java.io.ByteArrayInputStream(manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .create();
            @SuppressWarnings("unchecked")
            Map<String, Object> spec =
                    (Map<String, Object>) created.getAdditionalProperties().get("spec");
            assertThat(spec).doesNotContainKey("imagePullPolicyy").containsKey("image");
        }
    }

    @Test
    void statusWritesAreValidatedAgainstTheStatusSchema() {
        String namespace = "status-writes";
        SharedControlPlane.createNamespace(namespace);
        Kubectl.Result applied = SharedControlPlane.kubectl(
                "apply",
                "-n",
                namespace,
                "-f",
                Repo.root()
                        .resolve("config/samples/trainingjob-single-gpu.yaml")
                        .toString());
        assertThat(applied.ok()).as(applied.toString()).isTrue();
        String badReason = """
                {"status":{"phase":"Running","conditions":[{"type":"Ready","status":"False","reason":"not a reason!",
                "message":"m","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}""";
        Kubectl.Result rejected = SharedControlPlane.kubectl(
                "patch",
                "mltj",
                "resnet-finetune",
                "-n",
                namespace,
                "--subresource=status",
                "--type=merge",
                "-p",
                badReason);
        assertThat(rejected.ok()).as(rejected.toString()).isFalse();
        assertThat(rejected.err()).contains("status.conditions[0].reason");
        String badPhase = "{\"status\":{\"phase\":\"Sleeping\"}}";
        Kubectl.Result phase = SharedControlPlane.kubectl(
                "patch",
                "mltj",
                "resnet-finetune",
                "-n",
                namespace,
                "--subresource=status",
                "--type=merge",
                "-p",
                badPhase);
        assertThat(phase.ok()).as(phase.toString()).isFalse();
        assertThat(phase.err()).contains("status.phase", "Unsupported value");
        // status sent with the main resource is ignored; generation moves on spec changes only
        Kubectl.Result ignored = SharedControlPlane.kubectl(
                "patch",
                "mltj",
                "resnet-finetune",
                "-n",
                namespace,
                "--type=merge",
                "-p",
                "{\"status\":{\"phase\":\"Running\"}}");
        assertThat(ignored.ok()).as(ignored.toString()).isTrue();
        assertThat(SharedControlPlane.kubectl(
                                "get",
                                "mltj",
                                "resnet-finetune",
                                "-n",
                                namespace,
                                "-o",
                                "jsonpath={.status.phase}/{.metadata.generation}")
                        .out())
                .isEqualTo("/1");
    }

    static final ResourceDefinitionContext TRAINING_JOBS = new ResourceDefinitionContext.Builder()
            .withGroup("mlforge.io")
            .withVersion("v1alpha1")
            .withPlural("trainingjobs")
            .withKind("TrainingJob")
            .withNamespaced(true)
            .build();
}
