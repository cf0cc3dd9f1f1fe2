package io.mlforge.sagemaker.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/** SageMaker's request validation, with its own message wording ("1 validation error detected: ..."). */
final class Checks {
    static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");
    static final Pattern TUNING_NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$");
    static final Pattern ROLE = Pattern.compile("^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$");

    private Checks() {}

    static JsonNode required(JsonNode request, String field, String path) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            throw AwsError.validation("1 validation error detected: Value null at '" + path
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    static String name(JsonNode request, String field, String path, Pattern pattern, int max) {
        String name = required(request, field, path).asText();
        if (name.length() > max) {
            throw AwsError.validation("1 validation error detected: Value '" + name + "' at '" + path
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + max);
        }
        if (!pattern.matcher(name).matches()) {
            throw AwsError.validation("1 validation error detected: Value '" + name + "' at '" + path
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + pattern.pattern());
        }
        return name;
    }

    static void range(JsonNode value, String path, long min, long max) {
        if (value != null && !value.isNull() && (value.asLong() < min || value.asLong() > max)) {
            throw AwsError.validation("1 validation error detected: Value '" + value.asText() + "' at '" + path
                    + "' failed to satisfy constraint: Member must have value "
                    + (value.asLong() < min ? "greater than or equal to " + min : "less than or equal to " + max));
        }
    }

    /** One page of a list operation: MaxResults (default 10) items from NextToken on, and the next token if more remain. */
    static com.fasterxml.jackson.databind.node.ObjectNode page(
            java.util.List<? extends JsonNode> items, JsonNode request, String field) {
        range(request.get("MaxResults"), "maxResults", 1, 100);
        int max = request.path("MaxResults").asInt(10);
        int offset = request.hasNonNull("NextToken")
                ? Integer.parseInt(request.get("NextToken").asText())
                : 0;
        com.fasterxml.jackson.databind.node.ObjectNode response =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        com.fasterxml.jackson.databind.node.ArrayNode page = response.putArray(field);
        items.stream().skip(offset).limit(max).forEach(page::add);
        if (offset + max < items.size()) {
            response.put("NextToken", Integer.toString(offset + max));
        }
        return response;
    }

    static void role(JsonNode request, String field, String path) {
        String role = required(request, field, path).asText();
        if (!ROLE.matcher(role).matches()) {
            throw AwsError.validation("1 validation error detected: Value '" + role + "' at '" + path
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + ROLE.pattern());
        }
    }
}
