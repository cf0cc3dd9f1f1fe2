package io.mlforge.operator.core;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** A backend whose step takes the resource as it is (TrainingJob, TuningJob); see {@link BackendReconciler}. */
public interface ReconcilingBackend<R extends CustomResource<?, S>, S> extends ResourceBackend<R> {
    /** One step: changes {@code scope.status()}, adds Events and requeues to {@code scope.outcome()}. */
    void reconcile(Reconciliation.Scope<R, S> scope, Context<R> context);
}
