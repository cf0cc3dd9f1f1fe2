package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Test-only controller: records an Event on every labelled Pod it sees. It lets the application tests observe what
 * the operator runtime does apart from any MLForge controller: that it starts, which namespaces it watches, and that
 * it reconciles only as leader. Pods and Events, because the chart lets the operator watch the one and create the
 * other, and nothing more is granted to the tests on the real API server.
 */
@ControllerConfiguration(
        name = "watch-probe",
        informer = @Informer(labelSelector = WatchProbeReconciler.LABEL + "=true"))
public class WatchProbeReconciler implements Reconciler<Pod> {
    static final String LABEL = "mlforge.io/watch-probe";
    static final String SEEN = "SeenByWatchProbe";

    @Override
    public UpdateControl<Pod> reconcile(Pod pod, Context<Pod> context) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName() + "." + SEEN.toLowerCase();
        try {
            context.getClient()
                    .v1()
                    .events()
                    .inNamespace(namespace)
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .endMetadata()
                            .withInvolvedObject(new ObjectReferenceBuilder()
                                    .withKind("Pod")
                                    .withApiVersion("v1")
                                    .withNamespace(namespace)
                                    .withName(pod.getMetadata().getName())
                                    .withUid(pod.getMetadata().getUid())
                                    .build())
                            .withReason(SEEN)
                            .withMessage("seen by the operator")
                            .withType("Normal")
                            .build())
                    .create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) { // seen before
                throw e;
            }
        }
        return UpdateControl.noUpdate();
    }

    /** A labelled pod for the probe (it never runs: nothing binds it). */
    static Pod probe(String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels(LABEL, "true")
                .endMetadata()
                .withNewSpec()
                .withContainers(new ContainerBuilder()
                        .withName("probe")
                        .withImage("registry.k8s.io/pause:3.10")
                        .build())
                .withNodeSelector(java.util.Map.of("mlforge.io/no-such-node", "true"))
                .endSpec()
                .build();
    }

    /** Whether the probe has seen the pod (as the admin reads Events). */
    static boolean seen(KubernetesClient admin, String namespace, String pod) {
        return admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .anyMatch(e -> SEEN.equals(e.getReason())
                        && pod.equals(e.getInvolvedObject().getName()));
    }
}
