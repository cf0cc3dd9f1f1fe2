package io.mlforge.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CEL types the API server derives from a structural schema, so rules are type-checked as on a real cluster:
 * a misspelt field or a comparison of a string with a number fails when the CRD is loaded, not at run time.
 * Objects with properties become struct types (named by their schema path), objects with additionalProperties
 * become maps, int-or-string and preserve-unknown-fields become dyn.
 */
final class SchemaCelTypes implements CelTypeProvider {
    private final Map<String, StructType> structs = new LinkedHashMap<>();

    /** The CEL type of the value a schema node describes; struct types are registered with this provider. */
    CelType typeOf(JsonNode schema, String typeName) {
        if (schema == null || schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return SimpleType.DYN;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "string":
                return SimpleType.STRING;
            case "integer":
                return SimpleType.INT;
            case "number":
                return SimpleType.DOUBLE;
            case "boolean":
                return SimpleType.BOOL;
            case "array":
                return ListType.create(typeOf(schema.get("items"), typeName + ".@items"));
            case "object":
                return objectType(schema, typeName);
            default:
                return SimpleType.DYN;
        }
    }

    private CelType objectType(JsonNode schema, String typeName) {
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        if (properties == null && additional != null && additional.isObject()) {
            return MapType.create(SimpleType.STRING, typeOf(additional, typeName + ".@value"));
        }
        if (properties == null || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return SimpleType.DYN;
        }
        Map<String, CelType> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            fields.put(property.getKey(), typeOf(property.getValue(), typeName + "." + property.getKey()));
        }
        StructType struct = StructType.create(typeName, ImmutableSet.copyOf(fields.keySet()), name -> Optional.ofNullable(fields.get(name)));
        structs.put(typeName, struct);
        return struct;
    }

    @Override
    public ImmutableSet<CelType> types() {
        return ImmutableSet.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
    }
}
