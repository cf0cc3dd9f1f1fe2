package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The CRDs as the API server and kubectl see them. */
class GeneratedCrdsTest {
    static final List<String> CRDS = Repo.CRD_FILES;

    /** Short names of the kinds a Kubernetes 1.30+ cluster serves (kubectl api-resources), plus "all". */
    private static final Set<String> BUILT_IN_SHORT_NAMES = Set.of(
            "cs", "cm", "ep", "ev", "limits", "ns", "no", "pvc", "pv", "po", "rc", "quota", "sa", "svc", "crd", "crds",
            "ds", "deploy", "rs", "sts", "hpa", "cj", "csr", "ing", "netpol", "pdb", "pc", "sc", "ip", "vac", "all");

    @ParameterizedTest
    @FieldSource("CRDS")
    void chartCarriesExactlyTheGeneratedCrd(String file) throws Exception {
        Path inChart = Repo.chart().resolve("crds").resolve(file);
        assertThat(inChart)
                .as(
                        "helm/mlforge-operator/crds/%s is missing; run ./mvnw -pl crds -Psync-crds process-test-classes",
                        file)
                .exists();
        assertThat(Files.readString(inChart))
                .as(
                        "helm/mlforge-operator/crds/%s differs from the CRD generated from the Java types; "
                                + "run ./mvnw -pl crds -Psync-crds process-test-classes and commit the result",
                        file)
                .isEqualTo(Repo.generatedCrd(file));
    }

    @Test
    void chartHasNoOtherCrds() {
        assertThat(Repo.yamlFiles(Repo.chart().resolve("crds"))).isEmpty(); // only the .yml files above
        assertThat(Repo.chart().resolve("crds").toFile().list()).containsExactlyInAnyOrderElementsOf(CRDS);
    }

    @ParameterizedTest
    @FieldSource("CRDS")
    void integerBoundsAreWrittenAsPlainIntegers(String file) {
        // 3.1536E7 is a string to YAML 1.1 parsers (PyYAML, Ansible), which then send a CRD the API server rejects.
        // (Every rule compiling against the schema is checked by the real API server: RealApiServerCrdsTest.)
        List<String> exponents = Repo.generatedCrd(file)
                .lines()
                .filter(
                        l -> l.matches(
                                "\\s*(minimum|maximum|minLength|maxLength|minItems|maxItems|maxProperties|default): -?[0-9.]+[eE].*"))
                .toList();
        assertThat(exponents).isEmpty();
        assertThat(Repo.generatedCrd(file)).containsPattern("maximum: [0-9]+\\n");
    }

    @ParameterizedTest
    @FieldSource("CRDS")
    void everySpecAndStatusFieldIsDescribed(String file) {
        JsonNode schema = Repo.generatedCrdTree(file).at("/spec/versions/0/schema/openAPIV3Schema");
        List<String> undescribed = new ArrayList<>();
        for (String node : List.of("", "/properties/spec", "/properties/status")) {
            if (schema.at(node + "/description").asText("").isBlank()) {
                undescribed.add(node.isEmpty() ? "<kind>" : node.substring("/properties/".length()));
            }
        }
        collectUndescribed(schema.at("/properties/spec"), "spec", undescribed);
        collectUndescribed(schema.at("/properties/status"), "status", undescribed);
        assertThat(undescribed)
                .as("fields without a description (kubectl explain shows nothing for them)")
                .isEmpty();
    }

    /** Fields of embedded core/v1 types (affinity, tolerations, env, resources) are described by kubectl explain pod. */
    private static void collectUndescribed(JsonNode root, String rootPath, List<String> undescribed) {
        SchemaWalk.visit(root, rootPath, (node, path) -> {
            boolean isProperty = !path.equals(rootPath) && !path.endsWith("[]") && !path.endsWith("{}");
            if (isProperty && node.path("description").asText("").isBlank()) {
                undescribed.add(path);
            }
            return !node.path("description").asText("").contains("(core/v1");
        });
    }

    @ParameterizedTest
    @FieldSource("CRDS")
    void everySchemaNodeIsStructuralAndEveryDefaultValid(String file) {
        JsonNode schema = Repo.generatedCrdTree(file).at("/spec/versions/0/schema/openAPIV3Schema");
        List<String> problems = new ArrayList<>();
        checkStructural(schema, "", problems);
        assertThat(problems).isEmpty();
    }

    private static void checkStructural(JsonNode root, String rootPath, List<String> problems) {
        SchemaWalk.visit(root, rootPath, (node, path) -> {
            checkStructuralNode(node, path, problems);
            return true;
        });
    }

    private static void checkStructuralNode(JsonNode node, String path, List<String> problems) {
        boolean intOrString = node.path("x-kubernetes-int-or-string").asBoolean(false);
        if (!intOrString && !node.has("type")) {
            problems.add(path + ": no type");
        }
        if (node.has("properties") && node.path("additionalProperties").isObject()) {
            problems.add(path + ": both properties and additionalProperties");
        }
        node.path("properties").fields().forEachRemaining(e -> {
            if (e.getValue().has("default") && node.path("required").toString().contains("\"" + e.getKey() + "\"")) {
                problems.add(path + "." + e.getKey() + ": required and defaulted");
            }
        });
        JsonNode def = node.get("default");
        if (def == null) {
            return;
        }
        String type = node.path("type").asText();
        boolean ok = switch (type) {
            case "string" ->
                def.isTextual()
                        && (!node.has("enum")
                                || StreamSupport.stream(node.get("enum").spliterator(), false)
                                        .anyMatch(e -> e.equals(def)));
            case "integer" ->
                def.isIntegralNumber()
                        && (!node.has("minimum")
                                || def.asLong() >= node.get("minimum").asLong())
                        && (!node.has("maximum")
                                || def.asLong() <= node.get("maximum").asLong());
            case "number" -> def.isNumber();
            case "boolean" -> def.isBoolean();
            case "object" -> def.isObject() && !node.has("required");
            case "array" -> def.isArray();
            default -> false;
        };
        if (!ok) {
            problems.add(path + ": default " + def + " does not fit its schema");
        }
    }

    @ParameterizedTest
    @FieldSource("CRDS")
    void namesCategoryAndStatusSubresource(String file) {
        JsonNode crd = Repo.generatedCrdTree(file);
        assertThat(crd.at("/spec/group").asText()).isEqualTo("mlforge.io");
        assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
        assertThat(crd.at("/spec/names/categories").toString()).isEqualTo("[\"mlforge\"]");
        JsonNode version = crd.at("/spec/versions/0");
        assertThat(version.path("name").asText()).isEqualTo("v1alpha1");
        assertThat(version.path("served").asBoolean()).isTrue();
        assertThat(version.path("storage").asBoolean()).isTrue();
        assertThat(version.at("/subresources/status").isObject())
                .as("status subresource")
                .isTrue();
        for (JsonNode shortName : crd.at("/spec/names/shortNames")) {
            assertThat(BUILT_IN_SHORT_NAMES)
                    .as("short name %s collides with a built-in kind", shortName)
                    .doesNotContain(shortName.asText());
        }
        assertThat(crd.at("/spec/names/shortNames").size()).isPositive();
    }

    @Test
    void shortNamesAreUniqueAcrossKinds() {
        List<String> all = new ArrayList<>();
        CRDS.forEach(f -> Repo.generatedCrdTree(f).at("/spec/names/shortNames").forEach(n -> all.add(n.asText())));
        assertThat(all).doesNotHaveDuplicates().contains("mltj", "mltune", "mlep");
    }

    @Test
    void printerColumnsInTheOrderKubectlShowsThem() {
        assertThat(columns("trainingjobs.mlforge.io-v1.yml"))
                .containsExactly("Phase", "Backend", "Attempt", "Age", "Message");
        assertThat(columns("tuningjobs.mlforge.io-v1.yml"))
                .containsExactly(
                        "Phase", "Backend", "Strategy", "Best", "Front", "Succeeded", "Running", "Failed", "Age");
        assertThat(columns("endpoints.mlforge.io-v1.yml")).containsExactly("Phase", "Backend", "Ready", "URL", "Age");
    }

    private static List<String> columns(String file) {
        List<String> names = new ArrayList<>();
        Repo.generatedCrdTree(file)
                .at("/spec/versions/0/additionalPrinterColumns")
                .forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    @Test
    void conditionsFollowTheKubernetesConventions() {
        for (String file : CRDS) {
            JsonNode condition = Repo.generatedCrdTree(file)
                    .at("/spec/versions/0/schema/openAPIV3Schema/properties/status/properties/conditions/items");
            assertThat(condition.path("required").toString())
                    .contains("type", "status", "lastTransitionTime", "reason", "message");
            assertThat(condition.at("/properties/observedGeneration/type").asText())
                    .isEqualTo("integer");
            JsonNode conditions = Repo.generatedCrdTree(file)
                    .at("/spec/versions/0/schema/openAPIV3Schema/properties/status/properties/conditions");
            assertThat(conditions.path("x-kubernetes-list-type").asText()).isEqualTo("map");
            assertThat(conditions.path("x-kubernetes-list-map-keys").toString()).isEqualTo("[\"type\"]");
            assertThat(condition.at("/properties/status/enum").toString())
                    .isEqualTo("[\"False\",\"True\",\"Unknown\"]");
            assertThat(Repo.generatedCrdTree(file)
                            .at(
                                    "/spec/versions/0/schema/openAPIV3Schema/properties/status/properties/observedGeneration/type")
                            .asText())
                    .isEqualTo("integer");
        }
    }
}
