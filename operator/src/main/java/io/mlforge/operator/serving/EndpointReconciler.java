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
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.core.EventReason;
import io.mlforge.operator.core.Outcome;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.StatusModel;
import io.mlforge.operator.core.StatusWriter;
import io.mlforge.operator.serving.kubernetes.KubernetesEndpointBackend;
import io.mlforge.operator.serving.sagemaker.SageMakerEndpointBackend;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

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
    SageMakerEndpointBackend sagemaker;

    @Inject
    KubernetesEndpointBackend kubernetes;

    @Inject
    ServingMetrics metrics;

    @Inject
    Reconciliation reconciliation;

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

    /** What the shared reconcile path needs to know about an Endpoint's status. */
    static final StatusModel<EndpointStatus> STATUS = new StatusModel<>(EndpointStatus::new, s -> s.phase, s -> s.message,
            s -> s.phase == EndpointPhase.Failed, (s, generation) -> s.observedGeneration = generation);

    @Override
    public UpdateControl<Endpoint> reconcile(Endpoint cached, Context<Endpoint> context) {
        Reconciliation.Scope<Endpoint, EndpointStatus> scope = reconciliation.begin(cached, STATUS);
        Endpoint endpoint = scope.resource();
        EndpointStatus status = scope.status();
        Instant now = scope.now();
        Long generation = endpoint.getMetadata().getGeneration();
        Backend backend = endpoint.getSpec().backend == null ? Backend.Kubernetes : endpoint.getSpec().backend;
        Outcome outcome;
        ModelResolver.Result models = ModelResolver.resolve(client, endpoint);
        if (!models.resolvedAll()) {
            status.message = models.waitingMessage();
            status.conditions = Conditions.set(status.conditions, EndpointStatus.MODEL_RESOLVED, ConditionStatus.False, models.waitingReason(),
                    models.waitingMessage(), generation, now);
            if (status.phase == null) {
                status.conditions = Conditions.set(status.conditions, Condition.READY, ConditionStatus.False, models.waitingReason(),
                        models.waitingMessage(), generation, now);
            }
            outcome = new Outcome();
            outcome.requeueAfter(Duration.ofSeconds(60)); // the referenced job's changes trigger sooner
        } else {
            status.resolvedModels = models.resolved().isEmpty() ? null : models.resolved();
            status.conditions = Conditions.set(status.conditions, EndpointStatus.MODEL_RESOLVED, ConditionStatus.True, "Resolved",
                    "every variant has a model", generation, now);
            outcome = backend == Backend.SageMaker ? sagemaker.reconcile(endpoint, status, models.models(), now)
                    : kubernetes.reconcile(endpoint, status, models.models(), now);
            for (Outcome.EventNote note : outcome.events()) {
                if (note.reason() == EventReason.UPDATED || note.reason() == EventReason.UPDATE_FAILED) {
                    metrics.updated(backend, note.reason() == EventReason.UPDATED);
                }
            }
        }
        metrics.phase(endpoint.getMetadata().getUid(), backend, status.phase);
        return reconciliation.finish(scope, outcome);
    }

    @Override
    public DeleteControl cleanup(Endpoint endpoint, Context<Endpoint> context) {
        statusWriter.forget(endpoint.getMetadata().getUid());
        metrics.forget(endpoint.getMetadata().getUid());
        if (endpoint.getSpec().backend == Backend.SageMaker) {
            Optional<DeleteControl> wait = reconciliation.awaitRelease(endpoint, () -> sagemaker.release(endpoint), EventReason.DELETING,
                    "waiting for SageMaker to delete the endpoint before its config and models", "cannot delete the SageMaker endpoint yet");
            if (wait.isPresent()) {
                return wait.get();
            }
        } else {
            kubernetes.release(endpoint);
        }
        return DeleteControl.defaultDelete();
    }
}
