package io.mlforge.sagemaker.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The model behind the emulator's endpoints and the sandbox's serving pods: scores each input line (CSV) or each
 * element of {@code instances} (JSON) with a number in [0, 1) derived from the model's identity and the input, so the
 * same model always gives the same answer and another model (a new version) another one.
 */
public final class SyntheticModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: content type and body. */
    public record Answer(String contentType, byte[] body) {}

    private SyntheticModel() {}

    /**
     * @param model the model's identity (its data URL, or image and hash)
     * @throws IllegalArgumentException when a JSON request is not JSON (a model's 400)
     */
    public static Answer answer(String model, String contentType, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (contentType != null && contentType.startsWith("application/json")) {
            ArrayNode predictions = JSON.createArrayNode();
            try {
                JsonNode parsed = JSON.readTree(text);
                JsonNode instances = parsed != null && parsed.has("instances") ? parsed.get("instances") : parsed;
                for (JsonNode instance : instances != null && instances.isArray()
                        ? instances
                        : JSON.createArrayNode().add(instances)) {
                    predictions.add(score(model, String.valueOf(instance)));
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("the body is not JSON: " + e.getMessage());
            }
            ObjectNode answer = JSON.createObjectNode();
            answer.set("predictions", predictions);
            return new Answer("application/json", answer.toString().getBytes(StandardCharsets.UTF_8));
        }
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                out.append(score(model, line.strip())).append('\n');
            }
        }
        return new Answer("text/csv; charset=utf-8", out.toString().getBytes(StandardCharsets.UTF_8));
    }

    static double score(String model, String input) {
        int h = (model + "|" + input).hashCode() & 0x7fffffff;
        return (h % 10_000) / 10_000.0;
    }
}
