package io.mlforge.operator.training.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.mlforge.api.v1alpha1.MetricDefinition;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.operator.aws.SageMakerSettings;
import io.mlforge.operator.aws.SageMakerTarget;
import io.mlforge.operator.aws.TrainingLogService;
import io.mlforge.operator.training.TrainingSettings;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SageMakerLogMetricsCollectorTest {
    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    static final SageMakerTarget TARGET = new SageMakerTarget("us-east-1", null);

    /** A fake log: the events so far, and every call's start time. */
    static final class FakeLogs implements TrainingLogService {
        final List<LogEvent> events = new ArrayList<>();
        final List<Long> calls = new ArrayList<>();

        @Override
        public List<LogEvent> firstInstanceEvents(SageMakerTarget target, String job, long sinceMillis) {
            calls.add(sinceMillis);
            return events.stream().filter(e -> e.timestamp() >= sinceMillis).toList();
        }

        void epoch(int n, long millis) {
            events.add(new LogEvent("job-1/algo-1-1", millis, "epoch=" + n + " val_loss=" + (1.0 / n), "id-" + n));
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T settings(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> values.get(m.getName()));
    }

    static SageMakerLogMetricsCollector collector(FakeLogs logs) {
        SageMakerLogMetricsCollector c = new SageMakerLogMetricsCollector();
        c.logs = logs;
        c.sageMaker = settings(
                SageMakerSettings.class,
                Map.of(
                        "metricsInterval", Duration.ofMinutes(10),
                        "earlyStoppingMetricsInterval", Duration.ofSeconds(60)));
        c.settings = settings(TrainingSettings.class, Map.of("metricHistoryLimit", 100));
        return c;
    }

    static TrainingJob job(boolean earlyStopping) {
        TrainingJob job = new TrainingJob();
        ObjectMeta meta = new ObjectMeta();
        meta.setName("trial");
        meta.setUid("uid-1");
        meta.setAnnotations(new HashMap<>(
                earlyStopping ? Map.of(SageMakerLogMetricsCollector.EARLY_STOPPING, "MedianRule") : Map.of()));
        job.setMetadata(meta);
        job.setSpec(new TrainingJobSpec());
        MetricDefinition d = new MetricDefinition();
        d.name = "val_loss";
        d.regex = "val_loss=([0-9.]+)";
        job.getSpec().metrics = List.of(d);
        return job;
    }

    @Test
    void readsTheCurveIncrementallyAtTheIntervalOfItsKind() {
        FakeLogs logs = new FakeLogs();
        SageMakerLogMetricsCollector c = collector(logs);
        TrainingJob trial = job(true);
        TrainingJobStatus status = new TrainingJobStatus();
        logs.epoch(1, T0.toEpochMilli());
        logs.epoch(2, T0.toEpochMilli() + 1000);
        c.collect(trial, status, TARGET, "job-1", false, T0.plusSeconds(2));
        assertThat(status.metricHistory.get(0).points).extracting(p -> p.step).containsExactly(1L, 2L);

        c.collect(trial, status, TARGET, "job-1", false, T0.plusSeconds(30));
        assertThat(logs.calls)
                .as("not due yet: 60 s for a trial under the median rule")
                .hasSize(1);

        logs.epoch(3, T0.toEpochMilli() + 1000); // logged in the same millisecond as the last one read
        logs.epoch(4, T0.toEpochMilli() + 5000);
        c.collect(trial, status, TARGET, "job-1", false, T0.plusSeconds(62));
        assertThat(logs.calls).containsExactly(0L, T0.toEpochMilli() + 1000);
        assertThat(status.metricHistory.get(0).points)
                .as("each event once, epoch 2 not again")
                .extracting(p -> p.value)
                .containsExactly(1.0, 0.5, 1.0 / 3, 0.25);
        assertThat(status.metrics).containsEntry("val_loss", 0.25);
        assertThat(c.nextReadAt(trial)).isEqualTo(T0.plusSeconds(122));
        assertThat(c.nextReadAt(job(false))).as("other jobs: every 10 minutes").isEqualTo(T0.plusSeconds(62 + 600));
    }

    @Test
    void afterARestartItReadsOnFromWhatStatusHolds() {
        FakeLogs logs = new FakeLogs();
        TrainingJob trial = job(false);
        TrainingJobStatus status = new TrainingJobStatus();
        logs.epoch(1, T0.toEpochMilli());
        logs.epoch(2, T0.toEpochMilli() + 1000);
        collector(logs).collect(trial, status, TARGET, "job-1", false, T0.plusSeconds(2));

        logs.epoch(3, T0.toEpochMilli() + 2000);
        SageMakerLogMetricsCollector restarted = collector(logs);
        restarted.collect(trial, status, TARGET, "job-1", true, T0.plusSeconds(3));
        assertThat(logs.calls.get(1)).isEqualTo(T0.toEpochMilli() + 1001);
        assertThat(status.metricHistory.get(0).points).extracting(p -> p.step).containsExactly(1L, 2L, 3L);
    }
}
