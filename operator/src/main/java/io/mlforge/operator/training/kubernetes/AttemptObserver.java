package io.mlforge.operator.training.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.training.TrainingAttempts;
import io.mlforge.operator.training.kubernetes.AttemptObservation.Failure;
import io.mlforge.operator.training.kubernetes.AttemptObservation.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the pods of one attempt. Pure: pods, expectations and the current time in, an {@link AttemptObservation}
 * out. The first failure of any pod fails the attempt (gang semantics): the caller then removes all its pods.
 */
public final class AttemptObserver {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Waiting reasons that never resolve by themselves. */
    private static final Set<String> HOPELESS = Set.of("InvalidImageName", "ErrImageNeverPull");
    /** Waiting reasons that may resolve (a registry comes back, a Secret is created) but fail the attempt after a while. */
    private static final Set<String> STUCK = Set.of(
            "ImagePullBackOff",
            "ErrImagePull",
            "CreateContainerConfigError",
            "CreateContainerError",
            "RunContainerError");

    private static final Map<String, String> DISRUPTION_REASONS = Map.of(
            "PreemptionByScheduler", "Preempted",
            "PreemptionByKubeScheduler", "Preempted",
            "DeletionByTaintManager", "NodeLost",
            "DeletionByPodGC", "NodeLost",
            "EvictionByEvictionAPI", "Evicted",
            "TerminationByKubelet", "Evicted");
    /** Pod failure reasons set by the kubelet or node lifecycle, outside the training code. */
    private static final Set<String> NODE_REASONS = Set.of(
            "Evicted",
            "NodeLost",
            "Shutdown",
            "NodeShutdown",
            "Terminated",
            "UnexpectedAdmissionError",
            "NodeAffinity",
            "OutOfcpu",
            "OutOfmemory",
            "OutOfpods");

    private final Duration unschedulableAfter;
    private final Duration stuckContainerTimeout;

    public AttemptObserver(Duration unschedulableAfter, Duration stuckContainerTimeout) {
        this.unschedulableAfter = unschedulableAfter;
        this.stuckContainerTimeout = stuckContainerTimeout;
    }

    /**
     * When a waiting attempt created at {@code created} needs another look for the time-based checks (unschedulable
     * for {@link #unschedulableAfter}, a container stuck for {@link #stuckContainerTimeout}): the earliest threshold
     * still ahead of {@code now}, or null once both have passed. A passed threshold needs no look: this observation
     * already compared the pods' age with it, and a pod that turns unschedulable or stuck later changes its status,
     * which reconciles the job (asking for a passed instant would look at a long-waiting job every second).
     */
    public Instant nextTimedCheck(Instant created, Instant now) {
        Instant next = null;
        for (Instant check : List.of(created.plus(unschedulableAfter), created.plus(stuckContainerTimeout))) {
            if (check.isAfter(now) && (next == null || check.isBefore(next))) {
                next = check;
            }
        }
        return next;
    }

    /**
     * @param pods           the attempt's pods that exist
     * @param expectedPods   how many it has
     * @param retryExitCodes trainer exit codes that allow a new attempt
     * @param now            the current time
     */
    public AttemptObservation observe(List<Pod> pods, int expectedPods, List<Integer> retryExitCodes, Instant now) {
        List<Pod> ordered = pods.stream()
                .sorted(Comparator.comparingInt(AttemptObserver::index))
                .toList();
        if (ordered.size() < expectedPods) {
            List<Integer> present = ordered.stream().map(AttemptObserver::index).toList();
            int missing = Stream.iterate(0, i -> i + 1)
                    .limit(expectedPods)
                    .filter(i -> !present.contains(i))
                    .findFirst()
                    .orElse(0);
            return AttemptObservation.failed(new Failure(
                    true,
                    true,
                    "PodLost",
                    "pod of host algo-" + (missing + 1) + " is gone (deleted, or lost with its node)",
                    null,
                    null));
        }
        for (Pod pod : ordered) {
            Optional<Failure> failure = failure(pod, retryExitCodes, now);
            if (failure.isPresent()) {
                return AttemptObservation.failed(failure.get());
            }
        }
        if (ordered.stream()
                .allMatch(p -> "Succeeded"
                        .equals(p.getStatus() == null ? null : p.getStatus().getPhase()))) {
            return succeeded(ordered.get(0));
        }
        if (ordered.stream().allMatch(AttemptObserver::heldByKueue)) {
            return AttemptObservation.of(State.QUEUED, null, null, false);
        }
        boolean unschedulable = false;
        String detail = null;
        for (Pod pod : ordered) {
            PodCondition scheduled = condition(pod, "PodScheduled");
            if (scheduled != null
                    && "False".equals(scheduled.getStatus())
                    && "Unschedulable".equals(scheduled.getReason())) {
                // The scheduler's message only once the pod has waited unschedulableAfter: before, it is the churn of a
                // busy or scaling cluster (counts of nodes that change with every try), not worth a status write each.
                if (age(pod, now).compareTo(unschedulableAfter) >= 0) {
                    detail = "Unschedulable: " + scheduled.getMessage();
                    unschedulable = true;
                }
            }
            Optional<ContainerStatus> waiting = allStatuses(pod)
                    .filter(s -> s.getState() != null
                            && s.getState().getWaiting() != null
                            && s.getState().getWaiting().getReason() != null
                            && !"PodInitializing"
                                    .equals(s.getState().getWaiting().getReason())
                            && !"ContainerCreating"
                                    .equals(s.getState().getWaiting().getReason()))
                    .findFirst();
            if (waiting.isPresent() && detail == null) {
                ContainerStateWaiting w = waiting.get().getState().getWaiting();
                detail = w.getReason() + ": " + (w.getMessage() == null ? "" : w.getMessage());
            }
        }
        boolean allRunning = ordered.stream()
                .allMatch(p -> trainer(p)
                        .map(s -> s.getState() != null
                                && (s.getState().getRunning() != null
                                        || s.getState().getTerminated() != null))
                        .orElse(false));
        String startedAt = trainer(ordered.get(0))
                .map(s -> s.getState() != null && s.getState().getRunning() != null
                        ? s.getState().getRunning().getStartedAt()
                        : s.getState() != null && s.getState().getTerminated() != null
                                ? s.getState().getTerminated().getStartedAt()
                                : null)
                .orElse(null);
        if (allRunning) {
            return AttemptObservation.of(State.RUNNING, startedAt, null, false);
        }
        Optional<Instant> scheduledAt = ordered.stream()
                .map(p -> condition(p, "PodScheduled"))
                .filter(c -> c != null && "True".equals(c.getStatus()))
                .map(c -> Optional.ofNullable(Timestamps.parse(c.getLastTransitionTime()))
                        .orElse(now))
                .min(Instant::compareTo);
        // status.startTime: when the pod's kubelet took it up (its first status write); a real node's kubelet does so
        // within a second of the binding, so a bound pod without it is on a node whose kubelet is busy or gone.
        Instant acknowledgedAt = ordered.stream()
                .map(p -> p.getStatus() == null ? null : p.getStatus().getStartTime())
                .filter(t -> t != null)
                .map(t -> Optional.ofNullable(Timestamps.parse(t)).orElse(now))
                .min(Instant::compareTo)
                .orElse(null);
        return scheduledAt.isPresent()
                ? AttemptObservation.starting(startedAt, detail, unschedulable, scheduledAt.get(), acknowledgedAt)
                : AttemptObservation.of(State.PENDING, startedAt, detail, unschedulable);
    }

    private Optional<Failure> failure(Pod pod, List<Integer> retryExitCodes, Instant now) {
        String name = pod.getMetadata().getName();
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        PodCondition evictedByKueue = condition(pod, TrainingLabels.KUEUE_TERMINATION_TARGET);
        if (evictedByKueue != null && "True".equals(evictedByKueue.getStatus())) {
            // Kueue took the attempt's quota back: the job did nothing wrong, and Kueue queues the next attempt
            String message = orEmpty(evictedByKueue.getMessage());
            return Optional.of(new Failure(
                    true,
                    true,
                    message.startsWith("Preempted")
                            ? TrainingAttempts.PREEMPTED_BY_KUEUE
                            : TrainingAttempts.EVICTED_BY_KUEUE,
                    "pod " + name + ": Kueue: " + message,
                    null,
                    name));
        }
        PodCondition disruption = condition(pod, "DisruptionTarget");
        if (disruption != null && "True".equals(disruption.getStatus())) {
            String reason = DISRUPTION_REASONS.getOrDefault(disruption.getReason(), "Disrupted");
            return Optional.of(new Failure(
                    true, true, reason, "pod " + name + ": " + orEmpty(disruption.getMessage()), null, name));
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return Optional.of(new Failure(
                    true, true, "PodDeleted", "pod " + name + " is being deleted by someone else", null, name));
        }
        String podReason = pod.getStatus() == null ? null : pod.getStatus().getReason();
        if ("Failed".equals(phase) && podReason != null && NODE_REASONS.contains(podReason)) {
            String reason = podReason.startsWith("OutOf") || podReason.equals("UnexpectedAdmissionError")
                    ? "NodeAdmission"
                    : podReason;
            return Optional.of(new Failure(
                    true,
                    true,
                    reason,
                    "pod " + name + ": " + orEmpty(pod.getStatus().getMessage()),
                    null,
                    name));
        }
        Optional<ContainerStatus> prepare = status(
                pod.getStatus() == null ? null : pod.getStatus().getInitContainerStatuses(), TrainingLabels.PREPARE);
        if (prepare.isPresent()
                && terminatedWith(prepare.get())
                        .filter(t -> t.getExitCode() != null && t.getExitCode() != 0)
                        .isPresent()) {
            ContainerStateTerminated t = prepare.get().getState().getTerminated();
            return Optional.of(new Failure(
                    false,
                    false,
                    "DataPreparationFailed",
                    "pod " + name + ": preparing /opt/ml failed: " + agentError(t.getMessage()),
                    t.getExitCode(),
                    name));
        }
        Optional<ContainerStatus> trainer = trainer(pod);
        if (trainer.isPresent()) {
            Optional<ContainerStateTerminated> terminated = terminatedWith(trainer.get());
            if (terminated.isPresent()
                    && terminated.get().getExitCode() != null
                    && terminated.get().getExitCode() != 0) {
                ContainerStateTerminated t = terminated.get();
                boolean oom = "OOMKilled".equals(t.getReason());
                boolean retryable = retryExitCodes != null && retryExitCodes.contains(t.getExitCode());
                String what = oom
                        ? "was killed for exceeding its memory limit (OOMKilled)"
                        : "exited with code " + t.getExitCode();
                String message = "trainer on host algo-" + (index(pod) + 1) + " " + what
                        + (t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + trim(t.getMessage()));
                return Optional.of(
                        new Failure(false, retryable, oom ? "OOMKilled" : "Error", message, t.getExitCode(), name));
            }
        }
        for (ContainerStatus s : allStatuses(pod).toList()) {
            ContainerStateWaiting w = s.getState() == null ? null : s.getState().getWaiting();
            if (w == null || w.getReason() == null) {
                continue;
            }
            String message = "container " + s.getName() + " of pod " + name + ": " + w.getReason()
                    + (w.getMessage() == null ? "" : ": " + w.getMessage());
            if (HOPELESS.contains(w.getReason())) {
                return Optional.of(new Failure(false, false, w.getReason(), message, null, name));
            }
            if (STUCK.contains(w.getReason()) && age(pod, now).compareTo(stuckContainerTimeout) >= 0) {
                return Optional.of(new Failure(
                        false,
                        false,
                        w.getReason(),
                        message + " (for more than " + stuckContainerTimeout.toMinutes() + " min)",
                        null,
                        name));
            }
        }
        if ("Failed".equals(phase)) {
            return Optional.of(new Failure(
                    true,
                    true,
                    "PodFailed",
                    "pod " + name + " failed: " + orEmpty(podReason) + " "
                            + orEmpty(pod.getStatus().getMessage()),
                    null,
                    name));
        }
        return Optional.empty();
    }

    private static AttemptObservation succeeded(Pod rank0) {
        Optional<ContainerStatus> sidecar =
                status(rank0.getStatus().getInitContainerStatuses(), TrainingLabels.SIDECAR);
        if (sidecar.isPresent()) {
            Optional<ContainerStateTerminated> t = terminatedWith(sidecar.get());
            String message = t.map(ContainerStateTerminated::getMessage).orElse(null);
            if (t.isPresent() && t.get().getExitCode() != null && t.get().getExitCode() != 0) {
                return AttemptObservation.failed(new Failure(
                        false,
                        false,
                        "UploadFailed",
                        "training finished but uploading from host algo-1 failed: " + agentError(message),
                        null,
                        rank0.getMetadata().getName()));
            }
            String artifacts = null;
            try {
                JsonNode result = message == null ? null : JSON.readTree(message);
                artifacts = result == null || !result.has("modelArtifacts")
                        ? null
                        : result.get("modelArtifacts").asText();
            } catch (Exception e) {
                artifacts = null;
            }
            return new AttemptObservation(State.SUCCEEDED, null, null, null, false, artifacts, null, null);
        }
        return new AttemptObservation(State.SUCCEEDED, null, null, null, false, null, null, null);
    }

    private static String agentError(String terminationMessage) {
        if (terminationMessage == null || terminationMessage.isBlank()) {
            return "no details (see the data agent's log)";
        }
        try {
            JsonNode result = JSON.readTree(terminationMessage);
            return result.has("error") ? result.get("error").asText() : trim(terminationMessage);
        } catch (Exception e) {
            return trim(terminationMessage);
        }
    }

    static int index(Pod pod) {
        String index = pod.getMetadata().getLabels() == null
                ? null
                : pod.getMetadata().getLabels().get(TrainingLabels.REPLICA_INDEX);
        return index == null ? 0 : Integer.parseInt(index);
    }

    private static Optional<ContainerStatus> trainer(Pod pod) {
        return status(pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses(), TrainingLabels.TRAINER);
    }

    private static Optional<ContainerStatus> status(List<ContainerStatus> statuses, String name) {
        return statuses == null
                ? Optional.empty()
                : statuses.stream().filter(s -> name.equals(s.getName())).findFirst();
    }

    private static Stream<ContainerStatus> allStatuses(Pod pod) {
        if (pod.getStatus() == null) {
            return Stream.empty();
        }
        return Stream.concat(
                pod.getStatus().getInitContainerStatuses() == null
                        ? Stream.empty()
                        : pod.getStatus().getInitContainerStatuses().stream(),
                pod.getStatus().getContainerStatuses() == null
                        ? Stream.empty()
                        : pod.getStatus().getContainerStatuses().stream());
    }

    private static Optional<ContainerStateTerminated> terminatedWith(ContainerStatus status) {
        return Optional.ofNullable(status.getState()).map(s -> s.getTerminated());
    }

    /** Whether Kueue's admission gate holds the pod (it is not scheduled until Kueue admits its group). */
    static boolean heldByKueue(Pod pod) {
        return pod.getSpec() != null
                && pod.getSpec().getSchedulingGates() != null
                && pod.getSpec().getSchedulingGates().stream()
                        .anyMatch(g -> TrainingLabels.KUEUE_ADMISSION_GATE.equals(g.getName()));
    }

    private static PodCondition condition(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
    }

    /**
     * Where the time-based checks count from: the newest creation timestamp among the attempt's pods (their age is what
     * {@link #observe} compares), else {@code attemptStart}. Counting from the attempt's start instead missed the check
     * whenever a pod's creation fell into the second after the attempt's (both are whole seconds): the one look at
     * start + threshold found the pod a second too young, and nothing looked again (CI saw a job never report
     * Unschedulable).
     */
    public static Instant newestCreation(List<Pod> pods, Instant attemptStart) {
        Instant newest = attemptStart;
        for (Pod pod : pods) {
            String created = pod.getMetadata().getCreationTimestamp();
            if (created != null) {
                Instant at = Instant.parse(created);
                if (newest == null || at.isAfter(newest)) {
                    newest = at;
                }
            }
        }
        return newest;
    }

    private static Duration age(Pod pod, Instant now) {
        String created = pod.getMetadata().getCreationTimestamp();
        return created == null ? Duration.ZERO : Duration.between(Instant.parse(created), now);
    }

    private static String trim(String message) {
        String m = message.strip();
        return m.length() > 1024 ? m.substring(m.length() - 1024) : m;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
