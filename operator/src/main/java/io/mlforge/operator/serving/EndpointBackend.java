package io.mlforge.operator.serving;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.api.v1alpha1.ModelSpec;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.ResourceBackend;
import java.util.Map;

/**
 * The contract both Endpoint backends implement: Deployments, Services and autoscalers in the cluster
 * ({@code serving.kubernetes}), or SageMaker models, endpoint configs and an endpoint ({@code serving.sagemaker}).
 */
public interface EndpointBackend extends ResourceBackend<Endpoint> {
    /**
     * One step with every variant's model resolved ({@code models}: variant name to model): changes
     * {@code scope.status()}, adds Events and requeues to {@code scope.outcome()}.
     */
    void reconcile(
            Reconciliation.Scope<Endpoint, EndpointStatus> scope,
            Context<Endpoint> context,
            Map<String, ModelSpec> models);
}
