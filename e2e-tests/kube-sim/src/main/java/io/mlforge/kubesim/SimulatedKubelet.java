package io.mlforge.kubesim;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Applies {@link PodStates} to pods on an API server, through the pods' status subresource, as a kubelet would.
 * Tests and the sandbox drive it; it never decides anything by itself.
 */
public final class SimulatedKubelet {
    private final KubernetesClient client;
    private final Clock clock;
    private int nextIp = 10;

    public SimulatedKubelet(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    private Instant now() {
        return clock.instant();
    }

    public Pod update(String namespace, String pod, UnaryOperator<Pod> transition) {
        return client.pods().inNamespace(namespace).withName(pod).editStatus(transition);
    }

    public List<Pod> pods(String namespace, String labelKey, String labelValue) {
        return client.pods()
                .inNamespace(namespace)
                .withLabel(labelKey, labelValue)
                .list()
                .getItems();
    }

    public Pod schedule(String namespace, String pod, String node) {
        return update(namespace, pod, p -> PodStates.scheduled(p, node, now()));
    }

    public Pod run(String namespace, String pod) {
        String ip = "10.1.0." + (nextIp++);
        return update(namespace, pod, p -> PodStates.running(p, ip, now()));
    }

    public Pod exit(String namespace, String pod, int exitCode, String message) {
        return update(namespace, pod, p -> PodStates.exited(p, "trainer", exitCode, null, message, now()));
    }

    public Pod oomKill(String namespace, String pod) {
        return update(namespace, pod, p -> PodStates.exited(p, "trainer", 137, "OOMKilled", null, now()));
    }

    public Pod evict(String namespace, String pod, String message) {
        return update(namespace, pod, p -> PodStates.evicted(p, message, now()));
    }

    public Pod preempt(String namespace, String pod) {
        return update(namespace, pod, p -> PodStates.preempted(p, "Preempted in order to admit critical pod", now()));
    }

    public Pod waiting(String namespace, String pod, String container, String reason, String message) {
        return update(namespace, pod, p -> PodStates.waiting(p, container, reason, message));
    }

    public Pod unschedulable(String namespace, String pod, String message) {
        return update(namespace, pod, p -> PodStates.unschedulable(p, message, now()));
    }
}
