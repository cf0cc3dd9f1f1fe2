package io.mlforge.operator.core;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.mlforge.api.v1alpha1.Backend;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.function.Function;

/**
 * The controller of one MLForge kind, in the one shape all three share: begin (fresh resource, status copy, MDC),
 * hand the resource to its backend ({@link #step}, inside {@link Reconciliation#act}, which maps failed outside calls
 * to conditions), then finish (Events, phase Event, status write when changed, requeue). Deletion asks the backend to
 * release what the resource made, waits while it does, and forgets the resource. A kind supplies its status model,
 * its event sources, the step and which backend a resource has ({@link BackendReconciler} supplies the step for kinds
 * whose backends take the resource as it is).
 */
public abstract class ResourceReconciler<R extends CustomResource<?, S>, S, B extends ResourceBackend<R>>
        implements Reconciler<R>, Cleaner<R> {
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
        Reconciliation.Scope<R, S> scope = reconciliation.begin(cached, statusModel);
        reconciliation.act(scope, () -> step(scope, context));
        observed(scope);
        return reconciliation.finish(scope);
    }

    @Override
    public final DeleteControl cleanup(R resource, Context<R> context) {
        B releasing = backendOf(resource);
        ResourceBackend.ReleaseNotes notes = releasing.releaseNotes();
        Optional<DeleteControl> wait = reconciliation.awaitRelease(
                resource, () -> releasing.release(resource), notes.waitingReason(), notes.waiting(), notes.cannot());
        if (wait.isPresent()) {
            return wait.get();
        }
        forget(resource);
        statusWriter.forget(resource.getMetadata().getUid());
        events.normal(resource, EventReason.DELETED, notes.released());
        return DeleteControl.defaultDelete();
    }
}
