package io.mlforge.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiPredicate;

/** Visits every node of an OpenAPI schema with its path (properties as .name, list items as [], map values as {}). */
final class SchemaWalk {
    private SchemaWalk() {}

    /** Calls {@code visitor} for the node and, while it returns true, for the node's children. */
    static void visit(JsonNode node, String path, BiPredicate<JsonNode, String> visitor) {
        if (!visitor.test(node, path)) {
            return;
        }
        JsonNode properties = node.get("properties");
        if (properties != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                visit(p.getValue(), path + "." + p.getKey(), visitor);
            }
        }
        if (node.has("items")) {
            visit(node.get("items"), path + "[]", visitor);
        }
        if (node.path("additionalProperties").isObject()) {
            visit(node.get("additionalProperties"), path + "{}", visitor);
        }
    }
}
