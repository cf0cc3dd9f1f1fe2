package io.mlforge.sandbox;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's live view: one line per MLForge resource: kind, name, phase, progress (a TrainingJob's attempt, a
 * TuningJob's trials, an Endpoint's ready/desired instances per variant), the latest metric or an Endpoint's URL, and
 * a TuningJob's best objective.
 */
public final class ProgressTable {
    private ProgressTable() {}

    public record Row(String kind, String name, String phase, String attempt, String metric, String best) {}

    @SuppressWarnings("unchecked")
    public static Row row(GenericKubernetesResource resource) {
        Map<String, Object> status = resource.getAdditionalProperties().get("status") instanceof Map<?, ?> m
                ? (Map<String, Object>) m
                : Map.of();
        String phase = String.valueOf(status.getOrDefault("phase", "-"));
        String attempt = status.containsKey("attempt") ? String.valueOf(status.get("attempt")) : "-";
        if (status.get("trialCounts") instanceof Map<?, ?> counts) {
            attempt = counts.get("succeeded") + "/" + counts.get("total") + " trials";
        }
        String metric = "-";
        if (status.get("metrics") instanceof Map<?, ?> metrics && !metrics.isEmpty()) {
            Map.Entry<?, ?> last = new ArrayList<>(metrics.entrySet()).get(metrics.size() - 1);
            metric = last.getKey() + "=" + format(last.getValue());
        }
        if ("Endpoint".equals(resource.getKind())) {
            attempt = variants(status.get("variants"));
            metric = status.get("url") == null ? "-" : String.valueOf(status.get("url"));
        }
        String best = "-";
        if (status.get("bestTrial") instanceof Map<?, ?> bestTrial && bestTrial.get("objectiveValue") != null) {
            best = format(bestTrial.get("objectiveValue"));
        }
        return new Row(resource.getKind(), resource.getMetadata().getName(), phase, attempt, metric, best);
    }

    /** Ready/desired instances per variant, e.g. {@code primary 2/2, canary 1/1}; serverless variants say so. */
    static String variants(Object variants) {
        if (!(variants instanceof List<?> list) || list.isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (Object v : list) {
            if (v instanceof Map<?, ?> variant) {
                Object desired = variant.get("desiredInstances");
                Object ready = variant.get("readyInstances");
                parts.add(variant.get("name") + " "
                        + (desired instanceof Number
                                ? (ready instanceof Number ? ready : 0) + "/" + desired
                                : "serverless")); // SageMaker scales serverless variants
            }
        }
        return String.join(", ", parts);
    }

    private static String format(Object value) {
        return value instanceof Number n
                ? String.format(java.util.Locale.ROOT, "%.4f", n.doubleValue())
                : String.valueOf(value);
    }

    public static String render(List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"KIND", "NAME", "PHASE", "PROGRESS", "LATEST METRIC / URL", "BEST"});
        rows.forEach(r -> cells.add(new String[] {r.kind(), r.name(), r.phase(), r.attempt(), r.metric(), r.best()}));
        int[] widths = new int[6];
        for (String[] row : cells) {
            for (int i = 0; i < 6; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : cells) {
            for (int i = 0; i < 6; i++) {
                out.append(String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }
}
