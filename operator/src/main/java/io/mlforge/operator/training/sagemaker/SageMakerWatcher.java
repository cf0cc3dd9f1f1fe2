package io.mlforge.operator.training.sagemaker;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.operator.aws.SageMakerSettings;
import io.mlforge.operator.aws.SageMakerTarget;
import io.mlforge.operator.aws.SageMakerTrainingService;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobSummary;

/**
 * Watches running SageMaker training jobs without describing each on a timer: per account and region, one
 * ListTrainingJobs call (LastModifiedTimeAfter the previous poll, 100 jobs a page) finds the jobs that changed, and
 * only their TrainingJobs are reconciled (and described). The interval shrinks to the minimum while jobs change and
 * grows to the maximum while nothing does. Finished jobs are no longer tracked, so they cost nothing.
 */
@Singleton
public class SageMakerWatcher {
    private static final Logger LOG = Logger.getLogger(SageMakerWatcher.class);
    private static final Duration SKEW = Duration.ofSeconds(5);

    private record Tracked(SageMakerTarget target, ResourceID owner) {}

    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    /** When each target's last successful poll started: the next lists changes since then (minus skew). */
    private final Map<SageMakerTarget, Instant> lastPoll = new ConcurrentHashMap<>();
    /** After a failed poll: not before this. */
    private final Map<SageMakerTarget, Instant> retryAt = new ConcurrentHashMap<>();

    private final Map<SageMakerTarget, Duration> interval = new ConcurrentHashMap<>();
    private final Map<String, String> lastSeen = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sagemaker-watcher");
        t.setDaemon(true);
        return t;
    });
    private final EventSource eventSource = new EventSource();

    @Inject
    SageMakerTrainingService service;

    @Inject
    SageMakerSettings settings;

    @Inject
    Clock clock;

    /** The JOSDK event source through which changed jobs trigger their TrainingJob's reconcile. */
    public static final class EventSource extends AbstractEventSource<Void, TrainingJob> {
        EventSource() {
            super(Void.class, "sagemaker-training-jobs");
        }

        @Override
        public Set<Void> getSecondaryResources(TrainingJob primary) {
            return Set.of();
        }

        void fire(ResourceID owner) {
            if (isRunning()) {
                getEventHandler().handleEvent(new Event(owner));
            }
        }
    }

    public EventSource eventSource() {
        return eventSource;
    }

    void start() {
        executor.scheduleWithFixedDelay(this::pollDue, 1, 1, TimeUnit.SECONDS);
    }

    @jakarta.annotation.PostConstruct
    void init() {
        start();
    }

    /** Watch a job until {@link #untrack}. A newly tracked job counts as changed (described once). */
    public void track(SageMakerTarget target, String name, ResourceID owner) {
        if (tracked.containsKey(name)) {
            return;
        }
        boolean targetIdle = tracked.values().stream().noneMatch(t -> t.target().equals(target));
        if (targetIdle) {
            // Nothing was watched here: list from now on, not every job modified since the last busy period.
            lastPoll.put(target, clock.instant().minus(SKEW));
            interval.put(target, settings.minPollInterval());
        }
        tracked.put(name, new Tracked(target, owner));
        changed.add(name);
    }

    public void untrack(String name) {
        tracked.remove(name);
        changed.remove(name);
        lastSeen.remove(name);
    }

    /** Describe the job at its next reconcile (its last description failed). */
    public void markChanged(String name) {
        changed.add(name);
    }

    /** Whether the job changed since it was last described (and forgets that it did). */
    public boolean takeChanged(String name) {
        return changed.remove(name);
    }

    void pollDue() {
        Instant now = clock.instant();
        for (SageMakerTarget target :
                tracked.values().stream().map(Tracked::target).distinct().toList()) {
            Instant last = lastPoll.getOrDefault(target, Instant.EPOCH);
            Duration wait = interval.getOrDefault(target, settings.minPollInterval());
            if (now.isBefore(last.plus(wait)) || now.isBefore(retryAt.getOrDefault(target, Instant.EPOCH))) {
                continue;
            }
            try {
                poll(target, last, now);
                retryAt.remove(target);
            } catch (RuntimeException e) {
                // Throttled or unreachable: try again after the shortest interval, still listing from the last
                // successful poll so that no change in between is missed; reconciles report the condition.
                LOG.warnf("polling SageMaker in %s failed: %s", target.region(), e.getMessage());
                retryAt.put(target, now.plus(settings.minPollInterval()));
            }
        }
    }

    private void poll(SageMakerTarget target, Instant last, Instant now) {
        int fired = 0;
        for (TrainingJobSummary summary : service.modifiedSince(target, last.minus(SKEW))) {
            Tracked t = tracked.get(summary.trainingJobName());
            if (t == null || !t.target().equals(target)) {
                continue;
            }
            String seen = summary.trainingJobStatusAsString() + "@" + summary.lastModifiedTime();
            if (!seen.equals(lastSeen.put(summary.trainingJobName(), seen))) {
                changed.add(summary.trainingJobName());
                eventSource.fire(t.owner());
                fired++;
            }
        }
        lastPoll.put(target, now);
        Duration current = interval.getOrDefault(target, settings.minPollInterval());
        Duration next = fired > 0
                ? settings.minPollInterval()
                : Duration.ofMillis(Math.min(settings.maxPollInterval().toMillis(), (long) (current.toMillis() * 1.5)));
        interval.put(target, next);
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
