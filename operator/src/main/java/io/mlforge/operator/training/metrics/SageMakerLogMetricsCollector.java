package io.mlforge.operator.training.metrics;

import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.operator.aws.SageMakerSettings;
import io.mlforge.operator.aws.SageMakerTarget;
import io.mlforge.operator.aws.TrainingLogService;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.training.TrainingSettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Intermediate metrics of SageMaker TrainingJobs, which SageMaker itself reports only at the end
 * (FinalMetricDataList): the job's regexes applied to its CloudWatch Logs while it trains, read incrementally (from
 * the last event's time, events seen at that instant skipped) at most once per interval per job, 10 minutes by
 * default ({@code mlforge.sagemaker.metrics-interval}, 6 calls per running job-hour) and 60 s for trials of a search
 * whose median rule needs the curves ({@code mlforge.sagemaker.early-stopping-metrics-interval}).
 */
@Singleton
public class SageMakerLogMetricsCollector {
    /** Set on trials of a search with earlyStopping Auto: their metrics are read at the early-stopping interval. */
    public static final String EARLY_STOPPING = "mlforge.io/early-stopping";

    private static final Logger LOG = Logger.getLogger(SageMakerLogMetricsCollector.class);

    private final Map<String, JobState> states = new ConcurrentHashMap<>();

    @Inject
    TrainingLogService logs;

    @Inject
    SageMakerSettings sageMaker;

    @Inject
    TrainingSettings settings;

    private static final class JobState {
        final LogMetrics metrics;
        final String trainingJobName;
        long since;
        Set<String> seenAtSince = new HashSet<>();
        Instant lastRead = Instant.EPOCH;

        JobState(LogMetrics metrics, String trainingJobName) {
            this.metrics = metrics;
            this.trainingJobName = trainingJobName;
        }
    }

    Duration interval(TrainingJob job) {
        var annotations = job.getMetadata().getAnnotations();
        return annotations != null && annotations.containsKey(EARLY_STOPPING)
                ? sageMaker.earlyStoppingMetricsInterval()
                : sageMaker.metricsInterval();
    }

    /** When the next read is due while the job trains; null for a job without metric definitions. */
    public Instant nextReadAt(TrainingJob job) {
        if (job.getSpec().metrics == null || job.getSpec().metrics.isEmpty()) {
            return null;
        }
        JobState state = states.get(job.getMetadata().getUid());
        return state == null ? Instant.EPOCH : state.lastRead.plus(interval(job));
    }

    /**
     * Reads the new log events of {@code trainingJobName} (the attempt's SageMaker job) into the job's metrics and
     * writes them to {@code status}, if a read is due; a {@code finalRead} (the job just ended) reads the rest at once.
     * A failed read is tried again at the next interval.
     */
    public void collect(
            TrainingJob job,
            TrainingJobStatus status,
            SageMakerTarget target,
            String trainingJobName,
            boolean finalRead,
            Instant now) {
        Instant due = nextReadAt(job);
        if (due == null || (!finalRead && now.isBefore(due))) {
            return;
        }
        JobState state = states.compute(
                job.getMetadata().getUid(),
                (uid, s) -> s != null && s.trainingJobName.equals(trainingJobName)
                        ? s
                        : restored(job, status, trainingJobName, s));
        state.lastRead = now;
        try {
            for (TrainingLogService.LogEvent e : logs.firstInstanceEvents(target, trainingJobName, state.since)) {
                if (e.timestamp() < state.since
                        || (e.timestamp() == state.since && !state.seenAtSince.add(e.eventId()))) {
                    continue;
                }
                if (e.timestamp() > state.since) {
                    state.since = e.timestamp();
                    state.seenAtSince = new HashSet<>(Set.of(e.eventId()));
                }
                state.metrics.accept(e.message(), Timestamps.format(Instant.ofEpochMilli(e.timestamp())));
            }
        } catch (SdkException | io.mlforge.operator.aws.RateLimitedException e) {
            LOG.debugf("cannot read the logs of %s: %s", trainingJobName, e.getMessage());
        }
        Map<String, Double> latest = state.metrics.latest();
        if (!latest.isEmpty()) {
            status.metrics = latest;
            status.metricHistory = state.metrics.history();
        }
    }

    /**
     * State for a job seen the first time (or its new attempt): what status holds already, read on from the last
     * point's time (after an operator restart); a new attempt's log starts afresh, its metric steps continue.
     */
    private JobState restored(TrainingJob job, TrainingJobStatus status, String trainingJobName, JobState previous) {
        JobState state =
                new JobState(new LogMetrics(job.getSpec().metrics, settings.metricHistoryLimit()), trainingJobName);
        state.metrics.restore(status.metrics, status.metricHistory);
        if (previous == null && status.metricHistory != null) {
            state.since = status.metricHistory.stream()
                            .filter(s -> s.points != null)
                            .flatMap(s -> s.points.stream())
                            .filter(p -> p.timestamp != null)
                            .mapToLong(p -> Timestamps.parse(p.timestamp).toEpochMilli())
                            .max()
                            .orElse(-1)
                    + 1;
        }
        return state;
    }

    public void forget(TrainingJob job) {
        states.remove(job.getMetadata().getUid());
    }
}
