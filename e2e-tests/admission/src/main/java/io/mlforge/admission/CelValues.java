package io.mlforge.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts JSON to the values CEL sees, guided by the schema as the API server does (a "number" 1 is the double 1.0). */
final class CelValues {
    private CelValues() {
    }

    static Object of(JsonNode value, JsonNode schema) {
        if (value == null || value.isNull()) {
            return null;
        }
        String type = schema == null ? "" : schema.path("type").asText("");
        if (value.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            JsonNode properties = schema == null ? null : schema.get("properties");
            JsonNode additional = schema == null ? null : schema.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode fieldSchema = properties != null && properties.has(field.getKey()) ? properties.get(field.getKey())
                        : additional != null && additional.isObject() ? additional : null;
                Object converted = of(field.getValue(), fieldSchema);
                if (converted != null) {
                    map.put(field.getKey(), converted);
                }
            }
            return map;
        }
        if (value.isArray()) {
            List<Object> list = new ArrayList<>();
            JsonNode items = schema == null ? null : schema.get("items");
            value.forEach(item -> list.add(of(item, items)));
            return list;
        }
        if (value.isNumber()) {
            if (type.equals("number") || !value.canConvertToExactIntegral()) {
                return value.asDouble();
            }
            return value.asLong();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        return value.asText();
    }
}
