package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Kubernetes Events (core/v1) on MLForge resources, so `kubectl describe` and event pipelines show what happened. */
@Singleton
public class EventRecorder {
    public static final String COMPONENT = "mlforge-operator";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    @Inject
    KubernetesClient client;

    @Inject
    Clock clock;

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

    private void record(HasMetadata resource, String type, String reason, String message) {
        String now = Timestamps.format(Instant.now(clock));
        var event = new EventBuilder()
                .withNewMetadata()
                .withName(resource.getMetadata().getName() + "."
                        + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace(resource.getMetadata().getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(resource.getApiVersion())
                        .withKind(resource.getKind())
                        .withName(resource.getMetadata().getName())
                        .withNamespace(resource.getMetadata().getNamespace())
                        .withUid(resource.getMetadata().getUid())
                        .withResourceVersion(resource.getMetadata().getResourceVersion())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message.length() > 1024 ? message.substring(0, 1024) : message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1()
                    .events()
                    .inNamespace(resource.getMetadata().getNamespace())
                    .resource(event)
                    .create();
        } catch (KubernetesClientException e) {
            // Events are best effort: a missing event must never fail a reconcile.
            LOG.warnf(
                    "could not record event %s on %s/%s: %s",
                    reason,
                    resource.getMetadata().getNamespace(),
                    resource.getMetadata().getName(),
                    e.getMessage());
        }
    }
}
