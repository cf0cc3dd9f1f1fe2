package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.mlforge.controlplane.Kubectl;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRDs on a real kube-apiserver: accepted, with room in the CEL cost budget. The server refuses a rule whose
 * estimated worst-case cost is above 10,000,000 and a CRD whose rules sum above 100,000,000; it reports no figure
 * below that. So each CRD is also created in a second API group with every rule {@code r} written as
 * {@code (r) && (r)}, which the estimator costs at twice {@code r}: accepted means no rule is above half the
 * per-rule limit and the total is below half the CRD limit.
 */
class RealApiServerCrdsTest {

    @Test
    void theChartsCrdsAreEstablishedOnTheRealServer() {
        Kubectl.Result crds = SharedControlPlane.kubectl("get", "crd", "-o", "name");
        assertThat(crds.out())
                .contains(
                        "customresourcedefinition.apiextensions.k8s.io/trainingjobs.mlforge.io",
                        "customresourcedefinition.apiextensions.k8s.io/tuningjobs.mlforge.io",
                        "customresourcedefinition.apiextensions.k8s.io/endpoints.mlforge.io");
        Kubectl.Result resources = SharedControlPlane.kubectl("api-resources", "--api-group=mlforge.io", "-o", "wide");
        assertThat(resources.out()).contains("mltj", "mltune", "mlep", "mlforge");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"trainingjobs.mlforge.io-v1.yml", "tuningjobs.mlforge.io-v1.yml", "endpoints.mlforge.io-v1.yml"})
    void everyRuleCostsLessThanHalfThePerRuleLimitAndTheCrdLessThanHalfItsLimit(String file) {
        ObjectNode crd = (ObjectNode) Repo.generatedCrdTree(file).deepCopy();
        AtomicInteger rules = new AtomicInteger();
        doubleEveryRule(crd.at("/spec/versions/0/schema/openAPIV3Schema"), rules);
        assertThat(rules.get()).as("rules in %s", file).isGreaterThan(5);
        moveToGroup(crd, "margin.mlforge.io");
        Kubectl.Result created = SharedControlPlane.kubectlWithInput(crd.toString(), "create", "-f", "-");
        assertThat(created.ok())
                .as("%s with every rule costed twice:\n%s", file, created)
                .isTrue();
        SharedControlPlane.kubectl("delete", "crd", crd.at("/metadata/name").asText());
    }

    @Test
    void theServerDoesRefuseARuleOverTheBudget() {
        // Control for the test above: a quadratic rule over an unbounded list of unbounded strings is refused.
        ObjectNode crd = (ObjectNode)
                Repo.generatedCrdTree("endpoints.mlforge.io-v1.yml").deepCopy();
        moveToGroup(crd, "control.mlforge.io");
        ObjectNode variants =
                (ObjectNode) crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/variants");
        variants.remove("maxItems");
        ((ObjectNode) variants.at("/items/properties/name")).remove("maxLength");
        ArrayNode validations = variants.withArray("x-kubernetes-validations");
        validations
                .addObject()
                .put("rule", "self.all(a, self.all(b, a.name.startsWith(b.name)))")
                .put("message", "m");
        Kubectl.Result created = SharedControlPlane.kubectlWithInput(crd.toString(), "create", "-f", "-");
        SharedControlPlane.kubectl("delete", "crd", crd.at("/metadata/name").asText(), "--ignore-not-found");
        assertThat(created.ok()).isFalse();
        assertThat(created.err()).contains("estimated rule cost exceeds budget");
    }

    private static void doubleEveryRule(JsonNode node, AtomicInteger count) {
        if (node instanceof ObjectNode object && object.get("x-kubernetes-validations") instanceof ArrayNode rules) {
            for (JsonNode rule : rules) {
                String expression = rule.path("rule").asText();
                ((ObjectNode) rule).set("rule", TextNode.valueOf("(" + expression + ") && (" + expression + ")"));
                count.incrementAndGet();
            }
        }
        node.forEach(child -> doubleEveryRule(child, count));
    }

    private static void moveToGroup(ObjectNode crd, String group) {
        String plural = crd.at("/spec/names/plural").asText();
        ((ObjectNode) crd.get("metadata")).put("name", plural + "." + group);
        ((ObjectNode) crd.get("spec")).put("group", group);
        // no short names or categories: `kubectl get mltj` and `kubectl get mlforge` must keep meaning MLForge's kinds
        ((ObjectNode) crd.at("/spec/names")).remove(List.of("shortNames", "categories"));
    }
}
