package io.mlforge.operator.tuning;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.api.v1alpha1.TrialPhase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Reads trials back from their TrainingJobs (pure). */
public final class TrialObserver {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrialObserver() {}

    public static List<Trial> observe(List<TrainingJob> children, String objectiveMetric) {
        return observe(children, List.of(objectiveMetric));
    }

    /**
     * The trials, each with the latest value of every objective metric (the first one is the objective whose curve the
     * median rule reads); a trial that completed without reporting all of them counts as failed (NoObjectiveValue).
     */
    public static List<Trial> observe(List<TrainingJob> children, List<String> objectiveMetrics) {
        String objectiveMetric = objectiveMetrics.get(0);
        List<Trial> trials = new ArrayList<>();
        for (TrainingJob child : children) {
            var labels = child.getMetadata().getLabels();
            var annotations = child.getMetadata().getAnnotations();
            if (labels == null
                    || annotations == null
                    || !labels.containsKey(TuningLabels.TRIAL_INDEX)
                    || !annotations.containsKey(TuningLabels.PARAMETERS)) {
                continue;
            }
            TrainingJobStatus s = child.getStatus();
            List<Double> objectives = new ArrayList<>();
            for (String metric : objectiveMetrics) {
                objectives.add(s == null || s.metrics == null ? null : s.metrics.get(metric));
            }
            boolean allReported = objectives.stream().allMatch(java.util.Objects::nonNull);
            Double objective = allReported ? objectives.get(0) : null;
            List<Double> curve = s == null || s.metricHistory == null
                    ? List.of()
                    : s.metricHistory.stream()
                            .filter(m -> objectiveMetric.equals(m.name))
                            .findFirst()
                            .map(m -> m.points == null
                                    ? List.<Double>of()
                                    : m.points.stream().map(p -> p.value).toList())
                            .orElse(List.of());
            String stoppedBy = annotations.get(TuningLabels.STOPPED_BY);
            TrialPhase phase = phase(s, stoppedBy, objective);
            String reason = stoppedBy != null && (phase == TrialPhase.StoppedEarly || phase == TrialPhase.Stopped)
                    ? stoppedBy
                    : s == null || s.phase == null
                            ? null
                            : s.phase == TrainingPhase.Completed && objective == null
                                    ? "NoObjectiveValue"
                                    : s.conditions == null
                                            ? null
                                            : s.conditions.stream()
                                                    .filter(c -> io.mlforge.api.v1alpha1.Condition.READY.equals(c.type))
                                                    .map(c -> c.reason)
                                                    .findFirst()
                                                    .orElse(null);
            trials.add(new Trial(
                    Integer.parseInt(labels.get(TuningLabels.TRIAL_INDEX)),
                    child.getMetadata().getName(),
                    parameters(annotations.get(TuningLabels.PARAMETERS)),
                    phase,
                    objective,
                    curve,
                    reason,
                    s == null ? null : s.startTime,
                    s == null ? null : s.completionTime,
                    hyperband(annotations.get(TuningLabels.HYPERBAND)),
                    allReported ? List.copyOf(objectives) : null));
        }
        trials.sort(Comparator.comparingInt(Trial::index));
        return trials;
    }

    private static TrialPhase phase(TrainingJobStatus s, String stoppedBy, Double objective) {
        if (s == null || s.phase == null) {
            return TrialPhase.Pending;
        }
        return switch (s.phase) {
            case Pending, Queued, Starting, Suspended -> TrialPhase.Pending;
            case Running, Stopping -> TrialPhase.Running;
            // a trial that completed without reporting the objective cannot be compared: it counts as failed
            case Completed -> objective == null ? TrialPhase.Failed : TrialPhase.Succeeded;
            case Failed -> TrialPhase.Failed;
            case Stopped -> "MedianRule".equals(stoppedBy) ? TrialPhase.StoppedEarly : TrialPhase.Stopped;
        };
    }

    static Map<String, String> parameters(String json) {
        try {
            return JSON.readValue(json, new TypeReference<java.util.LinkedHashMap<String, String>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(Map<String, String> parameters) {
        try {
            return JSON.writeValueAsString(new java.util.TreeMap<>(parameters));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] hyperband(String value) {
        if (value == null) {
            return null;
        }
        String[] parts = value.split("/");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
    }
}
