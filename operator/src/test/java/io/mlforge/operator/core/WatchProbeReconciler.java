package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Test-only controller: marks the labelled ConfigMaps it sees. It lets the application test observe what the
 * operator runtime does before any MLForge controller exists: that it starts, which namespaces it watches, and that
 * it reconciles only as leader.
 */
@ControllerConfiguration(name = "watch-probe", informer = @Informer(labelSelector = WatchProbeReconciler.LABEL + "=true"))
public class WatchProbeReconciler implements Reconciler<ConfigMap> {
    static final String LABEL = "mlforge.io/watch-probe";
    static final String SEEN = "mlforge.io/seen-by-operator";

    @Override
    public UpdateControl<ConfigMap> reconcile(ConfigMap configMap, Context<ConfigMap> context) {
        context.getClient().configMaps()
                .inNamespace(configMap.getMetadata().getNamespace())
                .withName(configMap.getMetadata().getName())
                .edit(cm -> {
                    cm.getMetadata().getAnnotations().put(SEEN, "true");
                    return cm;
                });
        return UpdateControl.noUpdate();
    }
}
