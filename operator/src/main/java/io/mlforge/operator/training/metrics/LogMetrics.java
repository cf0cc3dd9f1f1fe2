package io.mlforge.operator.training.metrics;

import io.mlforge.api.v1alpha1.MetricDefinition;
import io.mlforge.api.v1alpha1.MetricSeries;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The metrics of one TrainingJob, parsed from its rank-0 trainer log with SageMaker's semantics: each definition's
 * regex is searched in every line, its first group parsed as a number, and the latest value wins. Every match also
 * becomes a point of the metric's history (step = how many values the metric has had), bounded to the newest
 * {@code historyLimit} points.
 */
public final class LogMetrics {
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();
    private final Map<String, String> invalid = new LinkedHashMap<>();
    private final Map<String, Double> latest = new LinkedHashMap<>();
    private final Map<String, Deque<MetricSeries.MetricPoint>> history = new LinkedHashMap<>();
    private final Map<String, Long> steps = new LinkedHashMap<>();
    private final int historyLimit;

    public LogMetrics(List<MetricDefinition> definitions, int historyLimit) {
        this.historyLimit = historyLimit;
        for (MetricDefinition d : definitions == null ? List.<MetricDefinition>of() : definitions) {
            try {
                patterns.put(d.name, Pattern.compile(d.regex));
            } catch (PatternSyntaxException e) {
                invalid.put(d.name, e.getDescription() + " near index " + e.getIndex() + " of " + d.regex);
            }
        }
    }

    /** Continues from what status already holds (after an operator restart). */
    public void restore(Map<String, Double> latestValues, List<MetricSeries> series) {
        if (latestValues != null) {
            latestValues.forEach((k, v) -> {
                if (patterns.containsKey(k)) {
                    latest.put(k, v);
                }
            });
        }
        if (series != null) {
            for (MetricSeries s : series) {
                if (!patterns.containsKey(s.name) || s.points == null) {
                    continue;
                }
                Deque<MetricSeries.MetricPoint> points = history.computeIfAbsent(s.name, k -> new ArrayDeque<>());
                points.addAll(s.points);
                s.points.stream()
                        .mapToLong(p -> p.step == null ? 0 : p.step)
                        .max()
                        .ifPresent(max -> steps.put(s.name, max));
            }
        }
    }

    /** Applies every definition to one log line logged at {@code timestamp}. */
    public void accept(String line, String timestamp) {
        for (Map.Entry<String, Pattern> entry : patterns.entrySet()) {
            Matcher matcher = entry.getValue().matcher(line);
            if (!matcher.find() || matcher.groupCount() < 1 || matcher.group(1) == null) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(matcher.group(1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                continue; // status is JSON: NaN and infinities cannot be stored
            }
            String name = entry.getKey();
            latest.put(name, value);
            long step = steps.merge(name, 1L, Long::sum);
            MetricSeries.MetricPoint point = new MetricSeries.MetricPoint();
            point.step = step;
            point.value = value;
            point.timestamp = timestamp;
            Deque<MetricSeries.MetricPoint> points = history.computeIfAbsent(name, k -> new ArrayDeque<>());
            points.addLast(point);
            while (points.size() > historyLimit) {
                points.removeFirst();
            }
        }
    }

    public Map<String, Double> latest() {
        return new LinkedHashMap<>(latest);
    }

    public List<MetricSeries> history() {
        List<MetricSeries> result = new ArrayList<>();
        for (Map.Entry<String, Deque<MetricSeries.MetricPoint>> e : history.entrySet()) {
            MetricSeries s = new MetricSeries();
            s.name = e.getKey();
            s.points = new ArrayList<>(e.getValue());
            result.add(s);
        }
        return result;
    }

    /** Definitions whose regex Java cannot compile, with the reason. */
    public Map<String, String> invalidDefinitions() {
        return invalid;
    }
}
