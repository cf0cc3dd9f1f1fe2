package io.mlforge.operator.core;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.mlforge.api.v1alpha1.Backend;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The controller of one MLForge kind, in the one shape all three share: begin (fresh resource, status copy, MDC),
 * hand the resource to its backend ({@link #step}, inside {@link Reconciliation#act}, which maps failed outside calls
 * to conditions), then finish (Events, phase Event, status write when changed, requeue).
 *
 * <p>Deletion: the controller runs with JOSDK's {@code triggerReconcilerOnAllEvents}
 * ({@link AllEventsOperatorProducer}) and manages its finalizer itself. A resource whose backend must release something before it goes
 * ({@link ResourceBackend#releasesBeforeDeletion}) gets the finalizer before the backend makes anything; when it is
 * deleted the backend releases, the controller waits while it does, then removes the finalizer. A resource without
 * one (an in-cluster TrainingJob: everything it makes is owned by it) goes at once, and the garbage collector removes
 * what it owned. Either way, once it is gone the controller forgets it. A kind supplies its status model, its event
 * sources, the step and which backend a resource has ({@link BackendReconciler} supplies the step for kinds whose
 * backends take the resource as it is).
 */
public abstract class ResourceReconciler<R extends CustomResource<?, S>, S, B extends ResourceBackend<R>>
        implements Reconciler<R> {
    private final StatusModel<S> statusModel;
    private final B kubernetes;
    private final B sagemaker;
    private final Function<R, Backend> backend;

    @Inject
    protected Reconciliation reconciliation;

    @Inject
    protected EventRecorder events;

    @Inject
    protected StatusWriter statusWriter;

    /**
     * @param statusModel what the shared path needs to know about this kind's status
     * @param kubernetes  the kind's in-cluster backend
     * @param sagemaker   the kind's SageMaker backend
     * @param backend     which of the two a resource has (its spec's backend field; unset is Kubernetes)
     */
    protected ResourceReconciler(StatusModel<S> statusModel, B kubernetes, B sagemaker, Function<R, Backend> backend) {
        this.statusModel = statusModel;
        this.kubernetes = kubernetes;
        this.sagemaker = sagemaker;
        this.backend = backend;
    }

    /** The backend that runs {@code resource}. */
    protected final B backendOf(R resource) {
        return backend.apply(resource) == Backend.SageMaker ? sagemaker : kubernetes;
    }

    /** The backend kind of {@code resource} (for metrics labels). */
    protected final Backend backendKind(R resource) {
        return backend.apply(resource) == Backend.SageMaker ? Backend.SageMaker : Backend.Kubernetes;
    }

    /** Observe, plan and act: hands the resource to its backend, which changes {@code scope.status()} and {@code scope.outcome()}. */
    protected abstract void step(Reconciliation.Scope<R, S> scope, Context<R> context);

    /** After each step (even one whose call failed), before the status is written: for metrics. */
    protected void observed(Reconciliation.Scope<R, S> scope) {}

    /** When the resource is gone: drops what the controller kept about it (metrics, caches). */
    protected void forget(R resource) {}

    @Override
    public final UpdateControl<R> reconcile(R cached, Context<R> context) {
        if (context.isPrimaryResourceDeleted()) {
            backendOf(cached).forget(cached);
            forget(cached);
            statusWriter.forget(cached.getMetadata().getUid());
            reconciliation.statusChanges.changed(cached);
            return UpdateControl.noUpdate();
        }
        String finalizer = context.getControllerConfiguration().getFinalizerName();
        if (cached.isMarkedForDeletion()) {
            return release(cached, finalizer);
        }
        R current = statusWriter.fresh(cached);
        if (backendOf(current).releasesBeforeDeletion() && !current.hasFinalizer(finalizer)) {
            current = statusWriter.addFinalizer(current, finalizer);
        }
        Reconciliation.Scope<R, S> scope = reconciliation.begin(current, statusModel);
        reconciliation.act(scope, () -> step(scope, context));
        observed(scope);
        return reconciliation.finish(scope);
    }

    /**
     * A resource being deleted: the backend releases what it made, then the finalizer goes (the Deleted Event says
     * what was released). Nothing to do for a resource without this controller's finalizer.
     */
    public final UpdateControl<R> release(R resource, String finalizer) {
        if (!resource.hasFinalizer(finalizer)) {
            return UpdateControl.noUpdate();
        }
        B releasing = backendOf(resource);
        ResourceBackend.ReleaseNotes notes = releasing.releaseNotes();
        Optional<Duration> wait = reconciliation.awaitRelease(
                resource, () -> releasing.release(resource), notes.waitingReason(), notes.waiting(), notes.cannot());
        if (wait.isPresent()) {
            return UpdateControl.<R>noUpdate().rescheduleAfter(wait.get());
        }
        statusWriter.removeFinalizer(resource, finalizer);
        events.normal(resource, EventReason.DELETED, notes.released());
        return UpdateControl.noUpdate();
    }
}
