package io.mlforge.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API server's structural defaulting and unknown-field check. Defaults are applied where a property is absent
 * (or null) in an object that is present, recursively, so that a defaulted object gets its nested defaults too.
 * Unknown fields are reported as kubectl's default strict field validation reports them.
 */
final class StructuralDefaulting {
    private static final Set<String> ROOT_FIELDS = java.util.Set.of("apiVersion", "kind", "metadata");

    private StructuralDefaulting() {
    }

    static void applyDefaults(JsonNode schema, JsonNode value) {
        if (value == null || value.isNull() || schema == null) {
            return;
        }
        if (value.isObject()) {
            ObjectNode object = (ObjectNode) value;
            JsonNode properties = schema.get("properties");
            if (properties != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> property = it.next();
                    JsonNode current = object.get(property.getKey());
                    JsonNode defaultValue = property.getValue().get("default");
                    if ((current == null || current.isNull()) && defaultValue != null) {
                        object.set(property.getKey(), defaultValue.deepCopy());
                    }
                    applyDefaults(property.getValue(), object.get(property.getKey()));
                }
            }
            JsonNode additional = schema.get("additionalProperties");
            if (additional != null && additional.isObject()) {
                object.fields().forEachRemaining(e -> applyDefaults(additional, e.getValue()));
            }
        } else if (value.isArray() && schema.has("items")) {
            for (JsonNode item : (ArrayNode) value) {
                applyDefaults(schema.get("items"), item);
            }
        }
    }

    static void collectUnknownFields(JsonNode schema, JsonNode value, String path, List<FieldError> errors) {
        if (value == null || schema == null || !value.isObject() || preservesUnknownFields(schema)) {
            if (value != null && value.isArray() && schema != null && schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    collectUnknownFields(schema.get("items"), value.get(i), SchemaPath.index(path, i), errors);
                }
            }
            return;
        }
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = SchemaPath.child(path, field.getKey());
            if (path.isEmpty() && ROOT_FIELDS.contains(field.getKey())) {
                continue; // apiVersion, kind and ObjectMeta are the API server's own, whatever the CRD schema lists
            }
            if (properties != null && properties.has(field.getKey())) {
                collectUnknownFields(properties.get(field.getKey()), field.getValue(), fieldPath, errors);
            } else if (additional != null && additional.isObject()) {
                collectUnknownFields(additional, field.getValue(), SchemaPath.key(path, field.getKey()), errors);
            } else if (properties != null || additional != null) {
                errors.add(new FieldError(fieldPath, "Unknown", "unknown field \"" + fieldPath + "\""));
            }
        }
    }

    private static boolean preservesUnknownFields(JsonNode schema) {
        return schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                || schema.path("x-kubernetes-embedded-resource").asBoolean(false);
    }
}
