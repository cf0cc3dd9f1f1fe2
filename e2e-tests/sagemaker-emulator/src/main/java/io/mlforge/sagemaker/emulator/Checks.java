package io.mlforge.sagemaker.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/** SageMaker's request validation, with its own message wording ("1 validation error detected: ..."). */
final class Checks {
    static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$");
    static final Pattern TUNING_NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$");
    static final Pattern ROLE = Pattern.compile("^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$");

    private Checks() {
    }

    static JsonNode required(JsonNode request, String field, String path) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            throw AwsError.validation("1 validation error detected: Value null at '" + path + "' failed to satisfy constraint: Member must not be null");
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
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + pattern.pattern());
        }
        return name;
    }

    static void range(JsonNode value, String path, long min, long max) {
        if (value != null && !value.isNull() && (value.asLong() < min || value.asLong() > max)) {
            throw AwsError.validation("1 validation error detected: Value '" + value.asText() + "' at '" + path
                    + "' failed to satisfy constraint: Member must have value " + (value.asLong() < min ? "greater than or equal to " + min
                    : "less than or equal to " + max));
        }
    }

    static void role(JsonNode request, String field, String path) {
        String role = required(request, field, path).asText();
        if (!ROLE.matcher(role).matches()) {
            throw AwsError.validation("1 validation error detected: Value '" + role + "' at '" + path
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + ROLE.pattern());
        }
    }
}
