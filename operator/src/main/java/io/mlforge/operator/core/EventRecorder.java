package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events (core/v1) on MLForge resources, so {@code kubectl describe} and event pipelines show what happened.
 * Recorded as Kubernetes' own event recorder does: asynchronously (a reconcile never waits for an Event; a full queue
 * drops Events rather than slowing reconciles), and through an {@link EventCorrelator} (identical Events counted on
 * one, similar ones combined, a per-object spam budget). Events are best effort: a failed one is logged, never retried.
 */
@Singleton
public class EventRecorder {
    public static final String COMPONENT = "mlforge-operator";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    /** Events waiting to be sent; beyond this they are dropped (client-go's recorder queues 1,000). */
    static final int QUEUE = 5000;

    @Inject
    KubernetesClient client;

    @Inject
    Clock clock;

    private final EventCorrelator correlator = new EventCorrelator();
    private final AtomicLong dropped = new AtomicLong();
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(
            2,
            2,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(QUEUE),
            r -> {
                Thread t = new Thread(r, "mlforge-event-sender");
                t.setDaemon(true);
                return t;
            },
            (task, executor) -> {
                if (dropped.incrementAndGet() % 100 == 1) {
                    LOG.warnf("event queue full (%d waiting): %d Events dropped so far", QUEUE, dropped.get());
                }
            });

    public void normal(HasMetadata resource, EventReason reason, String message) {
        record(resource, "Normal", reason.reason(), message);
    }

    public void warning(HasMetadata resource, EventReason reason, String message) {
        record(resource, "Warning", reason.reason(), message);
    }

    /** A phase change: the new phase's name is the reason; a failure is a Warning. */
    public void phaseChanged(HasMetadata resource, Enum<?> phase, boolean failure, String message) {
        record(resource, failure ? "Warning" : "Normal", failure ? "Failed" : phase.name(), message);
    }

    /** Waits up to {@code timeout} for the queued Events to be sent (at shutdown, and for tests). */
    public boolean flush(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (sender.getQueue().size() + sender.getActiveCount() > 0) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @PreDestroy
    void shutdown() throws InterruptedException {
        flush(Duration.ofSeconds(5));
        sender.shutdownNow();
    }

    private void record(HasMetadata resource, String type, String reason, String message) {
        Instant now = Instant.now(clock);
        ObjectReference involved = new ObjectReferenceBuilder()
                .withApiVersion(resource.getApiVersion())
                .withKind(resource.getKind())
                .withName(resource.getMetadata().getName())
                .withNamespace(resource.getMetadata().getNamespace())
                .withUid(resource.getMetadata().getUid())
                .withResourceVersion(resource.getMetadata().getResourceVersion())
                .build();
        String text = message.length() > 1024 ? message.substring(0, 1024) : message;
        sender.execute(() -> send(involved, type, reason, text, now));
    }

    private void send(ObjectReference involved, String type, String reason, String message, Instant now) {
        EventCorrelator.Draft draft = new EventCorrelator.Draft(
                Objects.requireNonNullElse(involved.getUid(), involved.getNamespace() + "/" + involved.getName()),
                type,
                reason,
                message);
        EventCorrelator.Decision decision;
        synchronized (correlator) {
            decision = correlator.correlate(draft, now);
        }
        try {
            if (decision instanceof EventCorrelator.Count count) {
                count(involved, draft, count, now);
            } else if (decision instanceof EventCorrelator.Create create) {
                create(involved, draft, type, reason, create.message(), now);
            } else {
                LOG.debugf("event %s on %s dropped (spam filter)", reason, involved.getName());
            }
        } catch (KubernetesClientException e) {
            // Events are best effort: a missing event must never fail a reconcile.
            LOG.warnf(
                    "could not record event %s on %s/%s: %s",
                    reason, involved.getNamespace(), involved.getName(), e.getMessage());
        }
    }

    private void create(
            ObjectReference involved,
            EventCorrelator.Draft draft,
            String type,
            String reason,
            String message,
            Instant now) {
        String time = Timestamps.format(now);
        // as client-go names them (object name and time in hex), plus a random part: test clocks can stand still
        String name = involved.getName() + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano())
                + UUID.randomUUID().toString().substring(0, 4);
        var event = new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(involved.getNamespace())
                .endMetadata()
                .withInvolvedObject(involved)
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(time)
                .withLastTimestamp(time)
                .withCount(1)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .build();
        client.v1()
                .events()
                .inNamespace(involved.getNamespace())
                .resource(event)
                .create();
        synchronized (correlator) {
            correlator.created(draft, message, name, now);
        }
    }

    private void count(
            ObjectReference involved, EventCorrelator.Draft draft, EventCorrelator.Count count, Instant now) {
        String patch = client.getKubernetesSerialization()
                .asJson(Map.of(
                        "count", count.count(), "lastTimestamp", Timestamps.format(now), "message", count.message()));
        try {
            // through a stub of the Event, so the client sends the PATCH alone (no GET first: the chart grants none)
            client.v1()
                    .events()
                    .inNamespace(involved.getNamespace())
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(count.eventName())
                            .withNamespace(involved.getNamespace())
                            .endMetadata()
                            .build())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            synchronized (correlator) {
                correlator.forget(draft, count.message()); // expired (the API server's event TTL): start a new one
            }
            create(involved, draft, draft.type(), draft.reason(), count.message(), now);
        }
    }
}
