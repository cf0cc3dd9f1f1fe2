package io.mlforge.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class CrdAdmissionTest {
    private static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.io}
            spec:
              group: example.io
              names: {kind: Widget, plural: widgets}
              scope: Namespaced
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      apiVersion: {type: string}
                      kind: {type: string}
                      metadata: {type: object}
                      spec:
                        type: object
                        required: [image]
                        x-kubernetes-validations:
                        - rule: "self.mode != 'Fast' || has(self.limit)"
                          message: "mode Fast needs a limit"
                          reason: FieldValueRequired
                          fieldPath: .limit
                        - rule: "self.image == oldSelf.image"
                          message: "image is immutable"
                          reason: FieldValueForbidden
                        - rule: "self.?tags == oldSelf.?tags"
                          message: "tags are immutable"
                        properties:
                          image: {type: string, minLength: 1}
                          mode: {type: string, enum: [Slow, Fast], default: Slow}
                          limit: {type: number, minimum: 0}
                          ratio:
                            type: number
                            x-kubernetes-validations:
                            - rule: "self < 1.0"
                              message: "ratio must be below 1"
                          uri: {type: string, pattern: "^s3://.+$"}
                          tags:
                            type: object
                            additionalProperties: {type: string}
                          nested:
                            type: object
                            default: {}
                            properties:
                              size: {type: integer, default: 3}
                          items:
                            type: array
                            maxItems: 3
                            items:
                              type: object
                              properties:
                                name: {type: string}
                            x-kubernetes-validations:
                            - rule: "self.all(i, self.exists_one(j, j.name == i.name))"
                              message: "names must be unique"
                              reason: FieldValueDuplicate
            """;

    private final CrdAdmission admission = CrdAdmission.fromYaml(CRD);

    private static JsonNode widget(String spec) {
        return CrdAdmission.readYaml("apiVersion: example.io/v1\nkind: Widget\nmetadata: {name: w}\nspec: " + spec);
    }

    @Test
    void validObjectIsAdmittedWithDefaultsAppliedRecursively() {
        AdmissionResult result = admission.create(widget("{image: app:1}"));
        assertThat(result.errors()).isEmpty();
        assertThat(result.object().at("/spec/mode").asText()).isEqualTo("Slow");
        assertThat(result.object().at("/spec/nested/size").asInt()).isEqualTo(3);
        assertThat(admission.ruleCount()).isEqualTo(5);
    }

    @Test
    void schemaViolationsAreReportedWithTheirFieldPath() {
        AdmissionResult result = admission.create(widget("{image: '', mode: Medium, uri: 'http://x'}"));
        assertThat(result.message())
                .contains("spec.image").contains("spec.mode").contains("spec.uri");
        assertThat(admission.create(widget("{mode: Slow}")).message()).contains("Required").contains("image");
    }

    @Test
    void unknownFieldsAreRejectedAsWithStrictFieldValidation() {
        AdmissionResult result = admission.create(widget("{image: a, colour: red, nested: {size: 1, extra: 2}}"));
        assertThat(result.message()).contains("unknown field \"spec.colour\"").contains("unknown field \"spec.nested.extra\"");
    }

    @Test
    void celRuleFailureReportsMessageReasonAndFieldPath() {
        AdmissionResult result = admission.create(widget("{image: a, mode: Fast}"));
        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("spec.limit");
            assertThat(e.type()).isEqualTo("Required");
            assertThat(e.message()).isEqualTo("mode Fast needs a limit");
        });
        assertThat(admission.create(widget("{image: a, mode: Fast, limit: 2}")).errors()).isEmpty();
    }

    @Test
    void numbersWrittenAsIntegersAreDoublesForCel() {
        assertThat(admission.create(widget("{image: a, ratio: 0}")).errors()).isEmpty();
        assertThat(admission.create(widget("{image: a, ratio: 1}")).message()).contains("ratio must be below 1");
    }

    @Test
    void rulesOnListsSeeEveryItem() {
        assertThat(admission.create(widget("{image: a, items: [{name: x}, {name: x}]}")).message())
                .contains("spec.items: Duplicate: names must be unique");
    }

    @Test
    void transitionRulesRunOnUpdateOnly() {
        JsonNode old = widget("{image: a, tags: {team: ml}}");
        assertThat(admission.create(old).errors()).isEmpty();
        assertThat(admission.update(widget("{image: a, tags: {team: ml}, limit: 4}"), old).errors()).isEmpty();
        assertThat(admission.update(widget("{image: b, tags: {team: ml}}"), old).message())
                .contains("spec: Forbidden: image is immutable");
        // Optional-typed comparison catches both a changed and a removed field.
        assertThat(admission.update(widget("{image: a, tags: {team: cv}}"), old).message()).contains("tags are immutable");
        assertThat(admission.update(widget("{image: a}"), old).message()).contains("tags are immutable");
    }

    @Test
    void rulesThatDoNotTypeCheckMakeTheCrdUnloadable() {
        String misspelt = CRD.replace("self.mode != 'Fast'", "self.mdoe != 'Fast'");
        assertThatThrownBy(() -> CrdAdmission.fromYaml(misspelt))
                .hasMessageContaining("do not compile").hasMessageContaining("mdoe");
        String wrongType = CRD.replace("self < 1.0", "self < 'one'");
        assertThatThrownBy(() -> CrdAdmission.fromYaml(wrongType)).hasMessageContaining("do not compile");
    }

    private static String crdWithSpec(String specSchema) {
        return """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.example.io}
                spec:
                  group: example.io
                  names: {kind: Gadget, plural: gadgets}
                  scope: Namespaced
                  versions:
                  - name: v1
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                """ + specSchema.indent(12);
    }

    @Test
    void transitionRulesBelowAListMakeTheCrdUnloadable() {
        String underList = crdWithSpec("""
                type: object
                properties:
                  parts:
                    type: array
                    items:
                      type: object
                      x-kubernetes-validations:
                      - rule: "self.name == oldSelf.name"
                      properties:
                        name: {type: string}
                """);
        assertThatThrownBy(() -> CrdAdmission.fromYaml(underList)).hasMessageContaining("uncorrelatable");
        String onMapValue = crdWithSpec("""
                type: object
                properties:
                  parts:
                    type: object
                    additionalProperties:
                      type: string
                      x-kubernetes-validations:
                      - rule: "self == oldSelf"
                """);
        assertThat(CrdAdmission.fromYaml(onMapValue).ruleCount()).as("map values are correlatable").isEqualTo(1);
    }

    @Test
    void rootFieldsAreAlwaysAllowedEvenIfTheSchemaOmitsThem() {
        CrdAdmission bare = CrdAdmission.fromYaml(crdWithSpec("""
                type: object
                properties:
                  size: {type: integer}
                """));
        JsonNode gadget = CrdAdmission.readYaml("apiVersion: example.io/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {size: 1}");
        assertThat(bare.create(gadget).errors()).isEmpty();
    }

    @Test
    void registryFindsTheAdmissionByApiVersionAndKind() {
        CrdRegistry registry = new CrdRegistry().register(admission);
        assertThat(registry.forObject(widget("{image: a}"))).containsSame(admission);
        assertThat(registry.forObject(CrdAdmission.readYaml("apiVersion: v1\nkind: Pod"))).isEmpty();
    }
}
