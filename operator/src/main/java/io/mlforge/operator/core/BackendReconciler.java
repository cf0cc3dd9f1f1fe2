package io.mlforge.operator.core;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mlforge.api.v1alpha1.Backend;
import java.util.function.Function;

/**
 * A {@link ResourceReconciler} whose step is its backend's step, nothing before or after it (TrainingJob, TuningJob;
 * an Endpoint resolves its models first).
 */
public abstract class BackendReconciler<R extends CustomResource<?, S>, S, B extends ReconcilingBackend<R, S>>
        extends ResourceReconciler<R, S, B> {
    protected BackendReconciler(StatusModel<S> statusModel, B kubernetes, B sagemaker, Function<R, Backend> backend) {
        super(statusModel, kubernetes, sagemaker, backend);
    }

    @Override
    protected final void step(Reconciliation.Scope<R, S> scope, Context<R> context) {
        backendOf(scope.resource()).reconcile(scope, context);
    }
}
