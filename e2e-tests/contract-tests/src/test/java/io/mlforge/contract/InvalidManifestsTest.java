package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlforge.admission.AdmissionResult;
import io.mlforge.admission.CrdAdmission;
import io.mlforge.admission.CrdRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * config/invalid holds one manifest per validation rule, each with the error the API server answers. A file with
 * two documents is an update: the first is the stored object (valid), the second the rejected change.
 */
class InvalidManifestsTest {
    private static final CrdRegistry REGISTRY = Repo.registry();
    private static final String EXPECTED = "# expected-error: ";

    static List<Path> manifests() {
        return Repo.yamlFiles(Repo.root().resolve("config/invalid"));
    }

    private static String expectedError(Path manifest) {
        return Repo.read(manifest).lines().filter(l -> l.startsWith(EXPECTED)).findFirst()
                .map(l -> l.substring(EXPECTED.length()))
                .orElseThrow(() -> new AssertionError(manifest + " has no '" + EXPECTED + "' line"));
    }

    @ParameterizedTest
    @MethodSource("manifests")
    void manifestIsRejectedWithItsError(Path manifest) {
        String expected = expectedError(manifest);
        List<JsonNode> documents = Repo.readYaml(Repo.read(manifest));
        assertThat(documents).hasSizeBetween(1, 2);
        CrdAdmission admission = REGISTRY.forObject(documents.get(0)).orElseThrow();
        AdmissionResult result;
        if (documents.size() == 1) {
            result = admission.create(documents.get(0));
        } else {
            AdmissionResult stored = admission.create(documents.get(0));
            assertThat(stored.errors()).as("%s: the stored object must be valid:\n%s", manifest.getFileName(), stored.message()).isEmpty();
            // The change alone is a valid object: it is the transition that is rejected.
            assertThat(admission.create(documents.get(1)).errors()).as("%s: the updated object is valid on its own", manifest.getFileName())
                    .isEmpty();
            result = admission.update(documents.get(1), stored.object());
        }
        assertThat(result.allowed()).as("%s must be rejected", manifest.getFileName()).isFalse();
        assertThat(result.errors()).as("%s must break exactly one rule", manifest.getFileName()).hasSize(1);
        assertThat(result.message()).as(manifest.getFileName().toString()).contains(expected);
    }

    @Test
    void everyCelRuleHasAnInvalidManifest() {
        Set<String> messages = new TreeSet<>();
        for (String file : Repo.CRD_FILES) {
            collectRuleMessages(Repo.generatedCrdTree(file).at("/spec/versions/0/schema/openAPIV3Schema"), messages);
        }
        List<String> expected = manifests().stream().map(InvalidManifestsTest::expectedError).toList();
        List<String> uncovered = new ArrayList<>();
        for (String message : messages) {
            if (expected.stream().noneMatch(e -> e.endsWith(": " + message))) {
                uncovered.add(message);
            }
        }
        assertThat(uncovered).as("CEL rules without a manifest in config/invalid").isEmpty();
        assertThat(messages).hasSizeGreaterThan(60);
    }

    private static void collectRuleMessages(JsonNode schema, Set<String> messages) {
        SchemaWalk.visit(schema, "", (node, path) -> {
            node.path("x-kubernetes-validations").forEach(v -> messages.add(v.path("message").asText()));
            return true;
        });
    }
}
