package io.mlforge.operator.training.metrics;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mlforge.api.v1alpha1.MetricSeries;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.operator.training.TrainingSettings;
import io.mlforge.operator.training.kubernetes.TrainingLabels;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Reads the rank-0 trainer's log through the pods/log API, incrementally (sinceTime plus a cursor, at most
 * {@value #MAX_BYTES_PER_READ} bytes a read) and at most once per metrics poll interval per job, and keeps the
 * job's metrics in status up to date.
 */
@Singleton
public class TrainerLogMetricsCollector {
    static final int MAX_BYTES_PER_READ = 4 * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(TrainerLogMetricsCollector.class);

    private final Map<String, JobState> states = new ConcurrentHashMap<>();

    @Inject
    KubernetesClient client;

    @Inject
    TrainingSettings settings;

    private static final class JobState {
        final LogMetrics metrics;
        String pod;
        TimestampedLog.Cursor cursor = TimestampedLog.Cursor.START;
        Instant lastRead = Instant.EPOCH;

        JobState(LogMetrics metrics) {
            this.metrics = metrics;
        }
    }

    /**
     * When the next read is due for a running job; null for a job that defines no metrics (nothing to read: it used
     * to be the epoch, a 1 s requeue of every running job without metrics, 1,600 reconciles a second with 10,000).
     */
    public Instant nextReadAt(TrainingJob job) {
        if (job.getSpec().metrics == null || job.getSpec().metrics.isEmpty()) {
            return null;
        }
        JobState state = states.get(job.getMetadata().getUid());
        return state == null ? Instant.EPOCH : state.lastRead.plus(settings.metricsPollInterval());
    }

    /**
     * Reads new log lines of {@code pod} into the job's metrics and writes them to {@code status}. A {@code finalRead}
     * (the attempt just ended) ignores the poll interval. Returns the definitions that do not compile.
     */
    public Map<String, String> collect(
            TrainingJob job, TrainingJobStatus status, String namespace, String pod, boolean finalRead, Instant now) {
        if (job.getSpec().metrics == null || job.getSpec().metrics.isEmpty()) {
            return Map.of();
        }
        JobState state = states.computeIfAbsent(job.getMetadata().getUid(), uid -> restored(job, status, pod));
        if (!finalRead && now.isBefore(state.lastRead.plus(settings.metricsPollInterval()))) {
            return state.metrics.invalidDefinitions();
        }
        if (!Objects.equals(state.pod, pod)) {
            state.pod = pod; // a new attempt: its log starts afresh, the metric steps continue
            state.cursor = TimestampedLog.Cursor.START;
        }
        state.lastRead = now;
        try {
            String log = client.raw(logUri(namespace, pod, state.cursor));
            TimestampedLog.Read read = TimestampedLog.after(log == null ? "" : log, state.cursor);
            read.lines().forEach(line -> state.metrics.accept(line.text(), line.rawTimestamp()));
            state.cursor = read.cursor();
        } catch (KubernetesClientException e) {
            // The container may not have started or the pod may be gone; the next read tries again.
            LOG.debugf("cannot read the log of %s/%s: %s", namespace, pod, e.getMessage());
        }
        Map<String, Double> latest = state.metrics.latest();
        if (!latest.isEmpty()) {
            status.metrics = latest;
            status.metricHistory = state.metrics.history();
        }
        return state.metrics.invalidDefinitions();
    }

    /**
     * The pods/log request for the trainer's lines after {@code cursor}. A plain GET: fabric8's getLog() first waits up
     * to 5 s for the pod to be ready with a LIST (and a watch if it is not), one request more per read, and a
     * reconcile thread blocked for a pod that has not started yet (whose log read then fails and is tried later).
     */
    static String logUri(String namespace, String pod, TimestampedLog.Cursor cursor) {
        StringBuilder uri = new StringBuilder("/api/v1/namespaces/")
                .append(encode(namespace))
                .append("/pods/")
                .append(encode(pod))
                .append("/log?container=")
                .append(TrainingLabels.TRAINER)
                .append("&timestamps=true&limitBytes=")
                .append(MAX_BYTES_PER_READ);
        if (!cursor.equals(TimestampedLog.Cursor.START)) {
            uri.append("&sinceTime=")
                    .append(encode(DateTimeFormatter.ISO_INSTANT.format(
                            cursor.timestamp().truncatedTo(ChronoUnit.SECONDS))));
        }
        return uri.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** After an operator restart: continue from status, reading only lines newer than its last point. */
    private JobState restored(TrainingJob job, TrainingJobStatus status, String pod) {
        JobState state = new JobState(new LogMetrics(job.getSpec().metrics, settings.metricHistoryLimit()));
        state.metrics.restore(status.metrics, status.metricHistory);
        state.pod = pod;
        if (status.metricHistory != null) {
            status.metricHistory.stream()
                    .flatMap(s -> s.points == null
                            ? java.util.stream.Stream.<MetricSeries.MetricPoint>empty()
                            : s.points.stream())
                    .map(p -> p.timestamp)
                    .filter(Objects::nonNull)
                    .map(Instant::parse)
                    .max(Instant::compareTo)
                    .ifPresent(last -> state.cursor = new TimestampedLog.Cursor(last, 1));
        }
        return state;
    }

    public void forget(TrainingJob job) {
        states.remove(job.getMetadata().getUid());
    }
}
