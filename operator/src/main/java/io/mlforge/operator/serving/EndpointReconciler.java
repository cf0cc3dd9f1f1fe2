package io.mlforge.operator.serving;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.core.EventReason;
import io.mlforge.operator.core.Outcome;
import io.mlforge.operator.core.PrunedItemStore;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.ResourceReconciler;
import io.mlforge.operator.core.StatusChanges;
import io.mlforge.operator.core.StatusModel;
import io.mlforge.operator.serving.kubernetes.KubernetesEndpointBackend;
import io.mlforge.operator.serving.kubernetes.ServingPlanner;
import io.mlforge.operator.serving.sagemaker.SageMakerEndpointBackend;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles Endpoints in the shared shape ({@link ResourceReconciler}): resolves the models (TrainingJob / TuningJob
 * references wait with condition ModelResolved until their artifacts exist), then hands the endpoint to its backend. A
 * finalizer lets deletion remove what the endpoint created (per deletionPolicy).
 */
@ControllerConfiguration(name = EndpointReconciler.NAME)
public class EndpointReconciler extends ResourceReconciler<Endpoint, EndpointStatus, EndpointBackend> {
    public static final String NAME = "endpoint";

    /** For the CDI client proxy (the reconciler is application scoped). */
    protected EndpointReconciler() {
        this(null, null);
    }

    @Inject
    public EndpointReconciler(KubernetesEndpointBackend kubernetes, SageMakerEndpointBackend sagemaker) {
        super(
                StatusModel.of(EndpointStatus.class, EndpointStatus::new, EndpointPhase.Failed),
                kubernetes,
                sagemaker,
                resource -> resource.getSpec().backend);
    }

    @Inject
    KubernetesClient client;

    @Inject
    ServingMetrics metrics;

    @Inject
    StatusChanges statusChanges;

    /**
     * TrainingJobs and TuningJobs that Endpoints name as model sources (their changes re-resolve those Endpoints), and
     * the Deployments of in-cluster Endpoints.
     */
    @Override
    public List<EventSource<?, Endpoint>> prepareEventSources(EventSourceContext<Endpoint> context) {
        // A model source's changes re-resolve the Endpoints that name it: told in process (StatusChanges), since an
        // informer over every TrainingJob would cache and decode each of them a second time for the few Endpoints use.
        var modelSources = new SimpleInboundEventSource<Endpoint>("model-sources");
        statusChanges.listen(changed -> {
            boolean tuning = changed instanceof TuningJob;
            if (tuning || changed instanceof TrainingJob) {
                referencing(
                                context,
                                changed.getMetadata().getNamespace(),
                                changed.getMetadata().getName(),
                                tuning)
                        .forEach(modelSources::propagateEvent);
            }
        });
        // The serving objects of in-cluster Endpoints, from caches: a reconcile reads none of them from the API
        // server unless the cache lacks the operator's latest content; a change to one (a deleted Service, the
        // Deployment's rollout) reconciles its Endpoint.
        return List.of(
                modelSources,
                owned(Deployment.class, context),
                owned(Service.class, context),
                owned(HorizontalPodAutoscaler.class, context));
    }

    private static <R extends HasMetadata> InformerEventSource<R, Endpoint> owned(
            Class<R> type, EventSourceContext<Endpoint> context) {
        var configuration = InformerEventSourceConfiguration.from(type, Endpoint.class)
                .withLabelSelector(ServingPlanner.ENDPOINT_LABEL)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(Endpoint.class))
                .withItemStore(PrunedItemStore.<R>withoutManagedFields())
                .withInformerListLimit(PrunedItemStore.LIST_PAGE)
                .build();
        return new InformerEventSource<>(configuration, context);
    }

    private static Set<ResourceID> referencing(
            EventSourceContext<Endpoint> context, String namespace, String name, boolean tuning) {
        return context.getPrimaryCache()
                .list(namespace)
                .filter(e -> ModelResolver.sources(e.getSpec()).stream()
                        .anyMatch(m -> name.equals(tuning ? m.fromTuningJob : m.fromTrainingJob)))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    @Override
    protected void step(Reconciliation.Scope<Endpoint, EndpointStatus> scope, Context<Endpoint> context) {
        Endpoint endpoint = scope.resource();
        EndpointStatus status = scope.status();
        Instant now = scope.now();
        Long generation = endpoint.getMetadata().getGeneration();
        ModelResolver.Result models = ModelResolver.resolve(client, endpoint);
        if (!models.resolvedAll()) {
            status.message = models.waitingMessage();
            status.conditions = Conditions.set(
                    status.conditions,
                    EndpointStatus.MODEL_RESOLVED,
                    ConditionStatus.False,
                    models.waitingReason(),
                    models.waitingMessage(),
                    generation,
                    now);
            if (status.phase == null) {
                status.conditions = Conditions.set(
                        status.conditions,
                        Condition.READY,
                        ConditionStatus.False,
                        models.waitingReason(),
                        models.waitingMessage(),
                        generation,
                        now);
            }
            scope.outcome().requeueAfter(Duration.ofSeconds(60)); // the referenced job's changes trigger sooner
            return;
        }
        status.resolvedModels = models.resolved().isEmpty() ? null : models.resolved();
        status.conditions = Conditions.set(
                status.conditions,
                EndpointStatus.MODEL_RESOLVED,
                ConditionStatus.True,
                "Resolved",
                "every variant has a model",
                generation,
                now);
        backendOf(endpoint).reconcile(scope, context, models.models());
    }

    @Override
    protected void observed(Reconciliation.Scope<Endpoint, EndpointStatus> scope) {
        Endpoint endpoint = scope.resource();
        Backend backend = backendKind(endpoint);
        for (Outcome.EventNote note : scope.outcome().events()) {
            if (note.reason() == EventReason.UPDATED || note.reason() == EventReason.UPDATE_FAILED) {
                metrics.updated(backend, note.reason() == EventReason.UPDATED);
            }
        }
        metrics.phase(endpoint.getMetadata().getUid(), backend, scope.status().phase);
    }

    @Override
    protected void forget(Endpoint endpoint) {
        metrics.forget(endpoint.getMetadata().getUid());
    }
}
