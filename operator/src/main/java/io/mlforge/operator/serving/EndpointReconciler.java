package io.mlforge.operator.serving;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.core.EventRecorder;
import io.mlforge.operator.core.StatusWriter;
import io.mlforge.operator.core.aws.RateLimitedException;
import io.mlforge.operator.serving.kubernetes.KubernetesEndpointBackend;
import io.mlforge.operator.serving.sagemaker.SageMakerEndpointBackend;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Reconciles Endpoints: resolves the models (TrainingJob / TuningJob references wait with condition ModelResolved
 * until their artifacts exist), hands the endpoint to its backend and writes status. A finalizer lets deletion
 * remove what the endpoint created (per deletionPolicy).
 */
@ControllerConfiguration(name = EndpointReconciler.NAME)
public class EndpointReconciler implements Reconciler<Endpoint>, Cleaner<Endpoint> {
    public static final String NAME = "endpoint";
    private static final Logger LOG = Logger.getLogger(EndpointReconciler.class);

    @Inject
    KubernetesClient client;

    @Inject
    StatusWriter statusWriter;

    @Inject
    EventRecorder events;

    @Inject
    SageMakerEndpointBackend sagemaker;

    @Inject
    KubernetesEndpointBackend kubernetes;

    @Inject
    ServingMetrics metrics;

    @Inject
    Clock clock;

    /** TrainingJobs and TuningJobs that Endpoints name as model sources: their changes re-resolve those Endpoints. */
    @Override
    public java.util.List<io.javaoperatorsdk.operator.processing.event.source.EventSource<?, Endpoint>> prepareEventSources(
            io.javaoperatorsdk.operator.api.reconciler.EventSourceContext<Endpoint> context) {
        var trainingJobs = io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration
                .from(io.mlforge.api.v1alpha1.TrainingJob.class, Endpoint.class)
                .withSecondaryToPrimaryMapper(job -> referencing(context, job.getMetadata().getNamespace(), job.getMetadata().getName(), false))
                .build();
        var tuningJobs = io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration
                .from(io.mlforge.api.v1alpha1.TuningJob.class, Endpoint.class)
                .withSecondaryToPrimaryMapper(job -> referencing(context, job.getMetadata().getNamespace(), job.getMetadata().getName(), true))
                .build();
        var deployments = io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration
                .from(io.fabric8.kubernetes.api.model.apps.Deployment.class, Endpoint.class)
                .withLabelSelector(io.mlforge.operator.serving.kubernetes.ServingPlanner.ENDPOINT_LABEL)
                .withSecondaryToPrimaryMapper(io.javaoperatorsdk.operator.processing.event.source.informer.Mappers.fromOwnerReferences(Endpoint.class))
                .build();
        return java.util.List.of(new io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource<>(trainingJobs, context),
                new io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource<>(tuningJobs, context),
                new io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource<>(deployments, context));
    }

    private static java.util.Set<io.javaoperatorsdk.operator.processing.event.ResourceID> referencing(
            io.javaoperatorsdk.operator.api.reconciler.EventSourceContext<Endpoint> context, String namespace, String name, boolean tuning) {
        return context.getPrimaryCache().list(namespace).filter(e -> {
            java.util.List<io.mlforge.api.v1alpha1.ModelSource> sources = new java.util.ArrayList<>();
            if (e.getSpec().model != null) {
                sources.add(e.getSpec().model);
            }
            e.getSpec().variants.stream().filter(v -> v.model != null).forEach(v -> sources.add(v.model));
            return sources.stream().anyMatch(m -> name.equals(tuning ? m.fromTuningJob : m.fromTrainingJob));
        }).map(io.javaoperatorsdk.operator.processing.event.ResourceID::fromResource).collect(java.util.stream.Collectors.toSet());
    }

    @Override
    public UpdateControl<Endpoint> reconcile(Endpoint cached, Context<Endpoint> context) {
        Endpoint endpoint = statusWriter.fresh(cached);
        Instant now = clock.instant();
        EndpointStatus before = endpoint.getStatus();
        EndpointStatus status = before == null ? new EndpointStatus() : client.getKubernetesSerialization().clone(before);
        Long generation = endpoint.getMetadata().getGeneration();
        UpdateControl<Endpoint> control = UpdateControl.noUpdate();
        ModelResolver.Result models = ModelResolver.resolve(client, endpoint);
        if (!models.resolvedAll()) {
            status.message = models.waitingMessage();
            status.conditions = Conditions.set(status.conditions, EndpointStatus.MODEL_RESOLVED, ConditionStatus.False, models.waitingReason(),
                    models.waitingMessage(), generation, now);
            if (status.phase == null) {
                status.conditions = Conditions.set(status.conditions, Condition.READY, ConditionStatus.False, models.waitingReason(),
                        models.waitingMessage(), generation, now);
            }
            control.rescheduleAfter(Duration.ofSeconds(60)); // the referenced job's changes trigger sooner
        } else {
            status.resolvedModels = models.resolved().isEmpty() ? null : models.resolved();
            status.conditions = Conditions.set(status.conditions, EndpointStatus.MODEL_RESOLVED, ConditionStatus.True, "Resolved",
                    "every variant has a model", generation, now);
            Backend backend = endpoint.getSpec().backend == null ? Backend.Kubernetes : endpoint.getSpec().backend;
            java.util.function.BiConsumer<Boolean, String[]> notes = (warning, note) -> {
                if ("Updated".equals(note[0]) || "UpdateFailed".equals(note[0])) {
                    metrics.updated(backend, "Updated".equals(note[0]));
                }
                if (warning) {
                    events.warning(endpoint, note[0], note[1]);
                } else {
                    events.normal(endpoint, note[0], note[1]);
                }
            };
            Duration next = endpoint.getSpec().backend == Backend.SageMaker ? sagemaker.reconcile(endpoint, status, models.models(), now, notes)
                    : kubernetes.reconcile(endpoint, status, models.models(), now, notes);
            control.rescheduleAfter(next.isZero() ? Duration.ofMillis(10) : next);
        }
        if (status.phase != null && (before == null || before.phase != status.phase)) {
            events.normal(endpoint, status.phase.name(), status.message);
            LOG.infof("%s/%s phase %s -> %s: %s", endpoint.getMetadata().getNamespace(), endpoint.getMetadata().getName(),
                    before == null ? null : before.phase, status.phase, status.message);
        }
        metrics.phase(endpoint.getMetadata().getUid(), endpoint.getSpec().backend == null ? Backend.Kubernetes : endpoint.getSpec().backend,
                status.phase);
        status.observedGeneration = generation;
        if (!Objects.equals(json(before), json(status))) {
            endpoint.setStatus(status);
            statusWriter.write(endpoint);
        }
        return control;
    }

    private String json(Object o) {
        return o == null ? null : client.getKubernetesSerialization().asJson(o);
    }

    @Override
    public DeleteControl cleanup(Endpoint endpoint, Context<Endpoint> context) {
        statusWriter.forget(endpoint.getMetadata().getUid());
        metrics.forget(endpoint.getMetadata().getUid());
        if (endpoint.getSpec().backend == Backend.SageMaker) {
            try {
                if (!sagemaker.release(endpoint)) {
                    events.normal(endpoint, "Deleting", "waiting for SageMaker to delete the endpoint before its config and models");
                    return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(5));
                }
            } catch (SdkException | RateLimitedException e) {
                events.warning(endpoint, "BackendError", "cannot delete the SageMaker endpoint yet: " + e.getMessage());
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(15));
            }
        } else {
            kubernetes.release(endpoint);
        }
        return DeleteControl.defaultDelete();
    }
}
