package io.mlforge.operator.training.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/** The in-cluster backend's writes to the API server: idempotent creation and deletion of an attempt's objects. */
@Singleton
public class TrainingWorkloads {
    @Inject
    KubernetesClient client;

    /** Why the API server refused an attempt's objects. */
    public static final class CreationRefused extends Exception {
        private final boolean permanent;

        CreationRefused(String message, boolean permanent) {
            super(io.mlforge.operator.core.Conditions.capped(message)); // the API may quote a huge value in full
            this.permanent = permanent;
        }

        /** Invalid objects (422) stay invalid; quota or admission refusals (403) may pass later. */
        public boolean permanent() {
            return permanent;
        }
    }

    /**
     * Creates the Service (several pods only) and pods that do not exist yet (a restarted operator, or a replica that
     * took over the lease, finds the ones created before). Returns how many pods already existed: their events may
     * all have passed, so the caller looks at them at once instead of waiting for the next one.
     */
    public int create(PlannedAttempt attempt) throws CreationRefused {
        if (attempt.service() != null) {
            createIfAbsent(attempt.service());
        }
        int existing = 0;
        for (Pod pod : attempt.pods()) {
            if (!createIfAbsent(pod)) {
                existing++;
            }
        }
        return existing;
    }

    /** Whether the object was created (false: it existed). */
    private boolean createIfAbsent(HasMetadata object) throws CreationRefused {
        try {
            client.resource(object).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            if (e.getCode() == 422 || e.getCode() == 403 || e.getCode() == 400) {
                String reason = e.getStatus() != null && e.getStatus().getMessage() != null
                        ? e.getStatus().getMessage()
                        : e.getMessage();
                throw new CreationRefused(
                        object.getKind() + " " + object.getMetadata().getName() + " was refused: " + reason,
                        e.getCode() != 403);
            }
            throw e;
        }
    }

    /** The attempt's pods as the API server has them now (not the informer's cache). */
    public List<Pod> pods(String namespace, String attemptName) {
        return client.pods()
                .inNamespace(namespace)
                .withLabel(TrainingLabels.ATTEMPT, attemptName)
                .list()
                .getItems();
    }

    /**
     * Stops an attempt: deletes its pods that still run (gracefully: the data agent's final sync runs) and its
     * Service. Pods that already terminated stay, so their logs can be read, until the TTL or the job's deletion.
     */
    public void stopAttempt(String namespace, String attemptName) {
        deleteRunning(namespace, TrainingLabels.ATTEMPT, attemptName);
        client.services().inNamespace(namespace).withName(attemptName).delete();
    }

    /** Stops every attempt of the job (see {@link #stopAttempt}). */
    public void stopAll(String namespace, String jobUid) {
        deleteRunning(namespace, TrainingLabels.JOB_UID, jobUid);
        client.services()
                .inNamespace(namespace)
                .withLabel(TrainingLabels.JOB_UID, jobUid)
                .delete();
    }

    private void deleteRunning(String namespace, String label, String value) {
        for (Pod pod : client.pods()
                .inNamespace(namespace)
                .withLabel(label, value)
                .list()
                .getItems()) {
            if (!isTerminated(pod)) {
                client.pods()
                        .inNamespace(namespace)
                        .withName(pod.getMetadata().getName())
                        .delete();
            }
        }
    }

    /** Whether any pod of the job has not terminated yet. */
    public boolean anyRunningPods(String namespace, String jobUid) {
        return client.pods().inNamespace(namespace).withLabel(TrainingLabels.JOB_UID, jobUid).list().getItems().stream()
                .anyMatch(p -> !isTerminated(p));
    }

    static boolean isTerminated(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Deletes every pod and Service of the job, all attempts. */
    public void deleteAll(String namespace, String jobUid) {
        client.pods()
                .inNamespace(namespace)
                .withLabel(TrainingLabels.JOB_UID, jobUid)
                .delete();
        client.services()
                .inNamespace(namespace)
                .withLabel(TrainingLabels.JOB_UID, jobUid)
                .delete();
    }

    public boolean anyPods(String namespace, String jobUid) {
        return !client.pods()
                .inNamespace(namespace)
                .withLabel(TrainingLabels.JOB_UID, jobUid)
                .list()
                .getItems()
                .isEmpty();
    }
}
