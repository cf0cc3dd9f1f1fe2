package io.mlforge.sandbox.reliability;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Checks a {@link MixedWorkload} against the API server and SageMaker: whether everything reached its end state,
 * whether anything live was lost, and what was left behind (SageMaker objects no live Endpoint uses, jobs of deleted
 * resources still running, Kubernetes objects whose owner is gone).
 */
final class WorkloadAudit {
    private final KubernetesClient client;
    private final MixedWorkload workload;

    WorkloadAudit(KubernetesClient client, MixedWorkload workload) {
        this.client = client;
        this.workload = workload;
    }

    /** Polls until {@link #notConverged} is empty or {@code limit} passed; returns what is still pending. */
    List<String> awaitConverged(Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        List<String> pending = notConverged();
        while (!pending.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(2000);
            pending = notConverged();
        }
        return pending;
    }

    /** What has not reached its end state yet: live resources not finished or not serving their last spec, deletions not done. */
    List<String> notConverged() {
        List<String> pending = new ArrayList<>();
        for (MixedWorkload.Item item : workload.live().values()) {
            String state = state(item);
            if (state != null) {
                pending.add(item.label() + ": " + state);
            }
        }
        for (MixedWorkload.Item item : workload.deleted().values()) {
            HasMetadata still = client.genericKubernetesResources(item.kind().context)
                    .inNamespace("default")
                    .withName(item.name())
                    .get();
            if (still != null && item.uid().equals(still.getMetadata().getUid())) {
                pending.add(item.label() + ": still there, finalizers "
                        + still.getMetadata().getFinalizers());
            }
        }
        pending.addAll(kubernetesOrphans());
        return pending;
    }

    /** Null when the item is where it should end; otherwise where it is. */
    private String state(MixedWorkload.Item item) {
        switch (item.kind()) {
            case TRAINING_JOB -> {
                TrainingJob job = get(TrainingJob.class, item.name());
                if (job == null) {
                    return "gone";
                }
                TrainingPhase phase = job.getStatus() == null ? null : job.getStatus().phase;
                return phase == TrainingPhase.Completed ? null : "phase " + phase;
            }
            case TUNING_JOB -> {
                TuningJob search = get(TuningJob.class, item.name());
                if (search == null) {
                    return "gone";
                }
                TuningPhase phase = search.getStatus() == null ? null : search.getStatus().phase;
                return phase == TuningPhase.Completed ? null : "phase " + phase;
            }
            case ENDPOINT -> {
                Endpoint endpoint = get(Endpoint.class, item.name());
                if (endpoint == null) {
                    return "gone";
                }
                EndpointStatus status = endpoint.getStatus();
                String version = "/v" + workload.modelVersion(item.name()) + "/";
                boolean current = status != null
                        && status.phase == EndpointPhase.InService
                        && endpoint.getMetadata().getGeneration().equals(status.observedGeneration)
                        // models given by dataUri are not listed as resolved; those from a job are
                        && (status.resolvedModels == null
                                || status.resolvedModels.stream()
                                        .allMatch(m -> m.dataUri != null && m.dataUri.contains(version)))
                        && (status.sagemaker == null || status.sagemaker.pendingEndpointConfigName == null);
                return current
                        ? null
                        : "phase " + (status == null ? null : status.phase) + ", not yet model " + version;
            }
            default -> throw new IllegalStateException();
        }
    }

    private <T extends HasMetadata> T get(Class<T> type, String name) {
        return client.resources(type).inNamespace("default").withName(name).get();
    }

    /** Live resources missing, or replaced by a different object of the same name. */
    List<String> lost() {
        List<String> lost = new ArrayList<>();
        for (MixedWorkload.Item item : workload.live().values()) {
            HasMetadata found = client.genericKubernetesResources(item.kind().context)
                    .inNamespace("default")
                    .withName(item.name())
                    .get();
            if (found == null || !item.uid().equals(found.getMetadata().getUid())) {
                lost.add(item.label());
            }
        }
        return lost;
    }

    /**
     * SageMaker objects nothing owns: a training or tuning job of a deleted resource still running, an endpoint, config
     * or model not in use by a live Endpoint (old configs and models go once a rollout is done, all of them with the
     * Endpoint).
     */
    List<String> sageMakerOrphans(SageMakerLedger ledger) {
        List<String> orphans = new ArrayList<>();
        for (MixedWorkload.Item item : workload.deleted().values()) {
            if (item.kind() == MixedWorkload.Kind.TRAINING_JOB) {
                ledger.trainingJobsOf(item.name()).stream()
                        .filter(ledger::running)
                        .forEach(j -> orphans.add("training job " + j + " of deleted " + item.label() + " runs"));
            }
            if (item.kind() == MixedWorkload.Kind.TUNING_JOB) {
                ledger.tuningJobsOf(item.name()).stream()
                        .filter(ledger::tuningRunning)
                        .forEach(j -> orphans.add("tuning job " + j + " of deleted " + item.label() + " runs"));
            }
        }
        Set<String> endpoints = new TreeSet<>();
        Set<String> configs = new TreeSet<>();
        Set<String> models = new TreeSet<>();
        for (MixedWorkload.Item item : workload.live().values()) {
            if (item.kind() == MixedWorkload.Kind.ENDPOINT && item.sageMaker()) {
                Endpoint endpoint = get(Endpoint.class, item.name());
                if (endpoint != null && endpoint.getStatus() != null && endpoint.getStatus().sagemaker != null) {
                    endpoints.add(endpoint.getStatus().sagemaker.endpointName);
                    configs.add(endpoint.getStatus().sagemaker.endpointConfigName);
                    if (endpoint.getStatus().sagemaker.modelNames != null) {
                        models.addAll(endpoint.getStatus().sagemaker.modelNames);
                    }
                }
            }
        }
        compare("endpoint", ledger.inventory().endpoints().keySet(), endpoints, orphans);
        compare("endpoint config", ledger.inventory().endpointConfigs(), configs, orphans);
        compare("model", ledger.inventory().models(), models, orphans);
        return orphans;
    }

    private static void compare(String what, Set<String> existing, Set<String> owned, List<String> problems) {
        for (String name : existing) {
            if (!owned.contains(name)) {
                problems.add("SageMaker " + what + " " + name + " is owned by no live Endpoint");
            }
        }
        for (String name : owned) {
            if (!existing.contains(name)) {
                problems.add("SageMaker " + what + " " + name + " in a live Endpoint's status does not exist");
            }
        }
    }

    /** Kubernetes objects whose owner is gone (the garbage collector removes them once the owner's deletion ends). */
    List<String> kubernetesOrphans() {
        List<Supplier<List<? extends HasMetadata>>> lists = List.of(
                () -> client.pods().inNamespace("default").list().getItems(),
                () -> client.services().inNamespace("default").list().getItems(),
                () -> client.apps().deployments().inNamespace("default").list().getItems(),
                () -> client.apps().replicaSets().inNamespace("default").list().getItems(),
                () -> client.autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace("default")
                        .list()
                        .getItems(),
                () -> client.resources(TrainingJob.class)
                        .inNamespace("default")
                        .list()
                        .getItems(),
                () -> client.resources(TuningJob.class)
                        .inNamespace("default")
                        .list()
                        .getItems(),
                () -> client.resources(Endpoint.class)
                        .inNamespace("default")
                        .list()
                        .getItems());
        List<HasMetadata> all = new ArrayList<>();
        lists.forEach(list -> all.addAll(list.get()));
        Set<String> uids = new HashSet<>();
        all.forEach(o -> uids.add(o.getMetadata().getUid()));
        List<String> orphans = new ArrayList<>();
        for (HasMetadata object : all) {
            for (OwnerReference owner : object.getMetadata().getOwnerReferences()) {
                if (!uids.contains(owner.getUid())) {
                    orphans.add(object.getKind() + " " + object.getMetadata().getName() + " of gone " + owner.getKind()
                            + " " + owner.getName());
                }
            }
        }
        return orphans;
    }
}
