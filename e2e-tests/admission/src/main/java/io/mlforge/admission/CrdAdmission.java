package io.mlforge.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelOptionalLibrary;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Admission of objects of one CustomResourceDefinition version, as the Kubernetes API server performs it:
 * <ol>
 *   <li>structural defaulting;</li>
 *   <li>unknown fields rejected (kubectl's default strict field validation);</li>
 *   <li>OpenAPI v3 schema validation (types, required, enum, pattern, bounds, sizes);</li>
 *   <li>the CEL rules of x-kubernetes-validations, type-checked against the schema when the CRD is loaded (a rule that
 *       does not compile makes loading fail, as it makes the API server reject the CRD), with transition rules
 *       (those using oldSelf) evaluated on update only, where an old value exists at the same place.</li>
 * </ol>
 * Lists are atomic (no x-kubernetes-list-type map), so rules on list items are not correlated with old items, as
 * on a real server.
 */
public final class CrdAdmission {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final CelOptions CEL_OPTIONS = CelOptions.current()
            .enableOptionalSyntax(true)
            .enableHeterogeneousNumericComparisons(true)
            .build();
    private static final CelRuntime CEL_RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(CEL_OPTIONS)
            .addLibraries(CelOptionalLibrary.INSTANCE, CelExtensions.strings())
            .build();

    private final String group;
    private final String kind;
    private final String version;
    private final JsonNode schema;
    private final JsonSchema validator;
    /** Compiled rules by the identity of the schema node that declares them. */
    private final Map<JsonNode, List<CelRule>> rules = new HashMap<>();
    private int ruleCount;

    private CrdAdmission(JsonNode crd, String version) {
        this.group = crd.at("/spec/group").asText();
        this.kind = crd.at("/spec/names/kind").asText();
        this.version = version;
        JsonNode found = null;
        for (JsonNode v : crd.at("/spec/versions")) {
            if (v.path("name").asText().equals(version)) {
                found = v.at("/schema/openAPIV3Schema");
            }
        }
        if (found == null || found.isMissingNode()) {
            throw new IllegalArgumentException("CRD " + crd.at("/metadata/name").asText() + " has no schema for version " + version);
        }
        this.schema = found;
        // OpenAPI v3 as the API server reads it: draft-4 keywords; the x-kubernetes-* extensions are not schema
        // keywords (CEL rules are evaluated below, list types and int-or-string by the structure).
        JsonMetaSchema openApi = JsonMetaSchema.builder(JsonMetaSchema.getV4().getIri(), JsonMetaSchema.getV4())
                .keywords(java.util.stream.Stream.of("x-kubernetes-validations", "x-kubernetes-int-or-string",
                                "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-preserve-unknown-fields",
                                "x-kubernetes-embedded-resource", "x-kubernetes-map-type")
                        .map(NonValidationKeyword::new).toList())
                .build();
        this.validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, b -> b.metaSchema(openApi))
                .getSchema(found, SchemaValidatorsConfig.builder().build());
        List<String> compileErrors = new ArrayList<>();
        SchemaCelTypes types = new SchemaCelTypes();
        compileRules(found, "", false, types, kind, compileErrors);
        if (!compileErrors.isEmpty()) {
            throw new IllegalArgumentException("CRD " + crd.at("/metadata/name").asText() + " has CEL rules that do not compile:\n"
                    + String.join("\n", compileErrors));
        }
    }

    /** Loads the first (or only) served version of a CRD given as YAML. */
    public static CrdAdmission fromYaml(String crdYaml) {
        JsonNode crd = readYaml(crdYaml);
        return new CrdAdmission(crd, crd.at("/spec/versions/0/name").asText());
    }

    static JsonNode readYaml(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String kind() {
        return kind;
    }

    public String apiVersion() {
        return group + "/" + version;
    }

    /** Number of CEL rules in the schema (all compiled). */
    public int ruleCount() {
        return ruleCount;
    }

    /** Admission of a create request. */
    public AdmissionResult create(JsonNode object) {
        return admit(object, null);
    }

    /** Admission of an update (or patch result) of {@code oldObject} to {@code newObject}. */
    public AdmissionResult update(JsonNode newObject, JsonNode oldObject) {
        return admit(newObject, oldObject);
    }

    private AdmissionResult admit(JsonNode object, JsonNode oldObject) {
        ObjectNode defaulted = object.deepCopy();
        StructuralDefaulting.applyDefaults(schema, defaulted);
        JsonNode oldDefaulted = null;
        if (oldObject != null) {
            oldDefaulted = oldObject.deepCopy();
            StructuralDefaulting.applyDefaults(schema, oldDefaulted);
        }
        List<FieldError> errors = new ArrayList<>();
        StructuralDefaulting.collectUnknownFields(schema, defaulted, "", errors);
        Set<ValidationMessage> schemaErrors = validator.validate(defaulted);
        for (ValidationMessage m : schemaErrors) {
            errors.add(new FieldError(instancePath(m), schemaErrorType(m), schemaErrorMessage(m)));
        }
        if (errors.isEmpty()) {
            // Like the API server, CEL runs on schema-valid objects only (its types rely on the schema).
            evaluateRules(schema, defaulted, oldDefaulted, "", errors);
        }
        return new AdmissionResult(defaulted, List.copyOf(errors));
    }

    private static String instancePath(ValidationMessage m) {
        JsonNodePath location = m.getInstanceLocation();
        String path = "";
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            path = element instanceof Integer index ? SchemaPath.index(path, index) : SchemaPath.child(path, element.toString());
        }
        return path;
    }

    /** The validator's message without the location it starts with. */
    private static String schemaErrorMessage(ValidationMessage m) {
        String message = m.getMessage();
        String prefix = m.getInstanceLocation().toString() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static String schemaErrorType(ValidationMessage m) {
        return switch (m.getType()) {
            case "required" -> "Required";
            case "enum" -> "NotSupported";
            default -> "Invalid";
        };
    }

    /**
     * Compiles the rules of a schema node and its children. {@code underList} marks the part of the schema below an
     * (atomic) list, whose values cannot be matched with old values: the API server refuses oldSelf there.
     */
    private void compileRules(JsonNode node, String path, boolean underList, SchemaCelTypes types, String typeName, List<String> errors) {
        JsonNode validations = node.get("x-kubernetes-validations");
        if (validations != null) {
            CelType selfType = types.typeOf(node, typeName);
            CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
                    .setOptions(CEL_OPTIONS)
                    .setTypeProvider(types)
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                    .addLibraries(CelOptionalLibrary.INSTANCE, CelExtensions.strings())
                    .addVar("self", selfType)
                    .addVar("oldSelf", selfType)
                    .build();
            List<CelRule> compiled = new ArrayList<>();
            for (JsonNode v : validations) {
                String rule = v.path("rule").asText();
                if (underList && rule.contains("oldSelf")) {
                    errors.add(path + ": oldSelf cannot be used on the uncorrelatable portion of the schema (below a list): " + rule);
                    continue;
                }
                try {
                    CelAbstractSyntaxTree ast = compiler.compile(rule).getAst();
                    if (!ast.getResultType().equals(dev.cel.common.types.SimpleType.BOOL)) {
                        errors.add((path.isEmpty() ? "<root>" : path) + ": rule does not return a bool: " + rule);
                        continue;
                    }
                    compiled.add(new CelRule(rule, v.path("message").asText("failed rule: " + rule),
                            v.path("reason").asText(null), v.path("fieldPath").asText(null),
                            rule.contains("oldSelf"), CEL_RUNTIME.createProgram(ast)));
                    ruleCount++;
                } catch (CelValidationException e) {
                    errors.add((path.isEmpty() ? "<root>" : path) + ": " + rule + "\n  " + e.getMessage());
                } catch (CelEvaluationException e) {
                    errors.add((path.isEmpty() ? "<root>" : path) + ": cannot plan " + rule + ": " + e.getMessage());
                }
            }
            rules.put(node, compiled);
        }
        JsonNode properties = node.get("properties");
        if (properties != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                compileRules(p.getValue(), SchemaPath.child(path, p.getKey()), underList, types, typeName + "." + p.getKey(), errors);
            }
        }
        if (node.has("items")) {
            compileRules(node.get("items"), path + "[*]", true, types, typeName + ".@items", errors);
        }
        JsonNode additional = node.get("additionalProperties");
        if (additional != null && additional.isObject()) {
            compileRules(additional, path + "[*]", underList, types, typeName + ".@value", errors);
        }
    }

    private void evaluateRules(JsonNode node, JsonNode value, JsonNode oldValue, String path, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return;
        }
        List<CelRule> nodeRules = rules.get(node);
        if (nodeRules != null) {
            Object self = CelValues.of(value, node);
            Object oldSelf = oldValue == null ? null : CelValues.of(oldValue, node);
            for (CelRule rule : nodeRules) {
                if (rule.transition() && oldSelf == null) {
                    continue;
                }
                Map<String, Object> vars = new HashMap<>();
                vars.put("self", self);
                if (oldSelf != null) {
                    vars.put("oldSelf", oldSelf);
                }
                String errorPath = SchemaPath.withFieldPath(path, rule.fieldPath());
                try {
                    Object result = rule.program().eval(vars);
                    if (!Boolean.TRUE.equals(result)) {
                        errors.add(new FieldError(errorPath, rule.errorType(), rule.message()));
                    }
                } catch (CelEvaluationException e) {
                    errors.add(new FieldError(errorPath, "Invalid", "rule evaluation error: " + rule.rule() + ": " + e.getMessage()));
                }
            }
        }
        JsonNode properties = node.get("properties");
        if (properties != null && value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                JsonNode old = oldValue != null && oldValue.isObject() ? oldValue.get(p.getKey()) : null;
                evaluateRules(p.getValue(), value.get(p.getKey()), old, SchemaPath.child(path, p.getKey()), errors);
            }
        }
        if (node.has("items") && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                evaluateRules(node.get("items"), value.get(i), null, SchemaPath.index(path, i), errors);
            }
        }
        JsonNode additional = node.get("additionalProperties");
        if (additional != null && additional.isObject() && value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode old = oldValue != null && oldValue.isObject() ? oldValue.get(e.getKey()) : null;
                evaluateRules(additional, e.getValue(), old, SchemaPath.key(path, e.getKey()), errors);
            }
        }
    }
}
