package io.mlforge.operator.training;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.TrainingPhase;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Job-level Prometheus metrics, shared by both backends. Labels are low-cardinality (backend, phase, cause,
 * outcome); never job names.
 * <ul>
 *   <li>{@code mlforge_trainingjobs{backend,phase}}: TrainingJobs by phase;</li>
 *   <li>{@code mlforge_training_attempts_total{backend,cause}}: attempts started;</li>
 *   <li>{@code mlforge_training_attempt_failures_total{backend,reason}}: attempts that failed;</li>
 *   <li>{@code mlforge_training_job_duration_seconds{backend,outcome}}: first start to end of finished jobs;</li>
 *   <li>{@code mlforge_training_gpu_seconds_total{backend}}: GPU time of ended attempts (divide by 3600 for GPU-hours).</li>
 * </ul>
 */
@Singleton
public class TrainingMetrics {
    private final MeterRegistry registry;
    private final Map<String, Phased> jobs = new ConcurrentHashMap<>();

    private record Phased(Backend backend, TrainingPhase phase) {}

    @Inject
    public TrainingMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Backend backend : Backend.values()) {
            for (TrainingPhase phase : TrainingPhase.values()) {
                Gauge.builder(
                                "mlforge.trainingjobs",
                                jobs,
                                m -> m.values().stream()
                                        .filter(p -> p.backend() == backend && p.phase() == phase)
                                        .count())
                        .description("TrainingJobs by backend and phase")
                        .tag("backend", backend.name())
                        .tag("phase", phase.name())
                        .register(registry);
            }
            // Counters exist from the start at 0, as Prometheus expects.
            gpuCounter(backend);
        }
    }

    private Counter gpuCounter(Backend backend) {
        return Counter.builder("mlforge.training.gpu")
                .description("GPU time of ended training attempts")
                .baseUnit("seconds")
                .tag("backend", backend.name())
                .register(registry);
    }

    public void phase(String uid, Backend backend, TrainingPhase phase) {
        if (phase != null) {
            jobs.put(uid, new Phased(backend, phase));
        }
    }

    public void forget(String uid) {
        jobs.remove(uid);
    }

    public void attemptStarted(Backend backend, String cause) {
        Counter.builder("mlforge.training.attempts")
                .description("Training attempts started")
                .tag("backend", backend.name())
                .tag("cause", cause)
                .register(registry)
                .increment();
    }

    public void attemptFailed(Backend backend, String reason) {
        Counter.builder("mlforge.training.attempt.failures")
                .description("Training attempts that failed")
                .tag("backend", backend.name())
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void gpuTime(Backend backend, double gpuSeconds) {
        if (gpuSeconds > 0) {
            gpuCounter(backend).increment(gpuSeconds);
        }
    }

    public void finished(Backend backend, TrainingPhase outcome, Duration duration) {
        registry.timer("mlforge.training.job.duration", "backend", backend.name(), "outcome", outcome.name())
                .record(duration);
    }
}
