package io.mlforge.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mlforge.api.v1alpha1.TrainingAttempt;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** Backend Kubernetes: the trainer container's log of each pod of the attempt (label mlforge.io/attempt), by replica. */
final class PodTrainingLogs {
    static final String ATTEMPT_LABEL = "mlforge.io/attempt";
    static final String TRAINER = "trainer";

    private final KubernetesClient client;
    private final String namespace;

    PodTrainingLogs(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    int print(TrainingAttempt attempt, Instant from, boolean follow, PrintStream out, PrintStream err) {
        List<Pod> pods =
                client
                        .pods()
                        .inNamespace(namespace)
                        .withLabel(ATTEMPT_LABEL, attempt.backendName)
                        .list()
                        .getItems()
                        .stream()
                        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                        .toList();
        if (pods.isEmpty()) {
            err.println("attempt " + attempt.number
                    + " has no pods (ended attempts' pods are deleted with the TrainingJob's TTL)");
            return 0;
        }
        if (follow) {
            err.println("--follow applies to backend SageMaker; for pods use: kubectl logs -f -n " + namespace + " -l "
                    + ATTEMPT_LABEL + "=" + attempt.backendName + " -c " + TRAINER + " --prefix");
        }
        for (Pod pod : pods) {
            String name = pod.getMetadata().getName();
            try {
                var container =
                        client.pods().inNamespace(namespace).withName(name).inContainer(TRAINER);
                String log = from == null
                        ? container.getLog()
                        : container
                                .sinceSeconds((int) Math.max(
                                        1, Duration.between(from, Instant.now()).toSeconds()))
                                .getLog();
                log.lines().forEach(line -> out.println("[" + name + "] " + line));
            } catch (KubernetesClientException e) {
                err.println("[" + name + "] log not available: " + e.getMessage());
            }
        }
        out.flush();
        return 0;
    }
}
