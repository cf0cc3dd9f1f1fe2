package io.mlforge.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The status a kubelet (and scheduler) would give a pod, as pure transformations of a copy of the pod. Containers
 * named in the pod spec get statuses in spec order; init containers with restartPolicy Always are native sidecars.
 */
public final class PodStates {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT_PLAN_ENV = "MLFORGE_AGENT_PLAN";

    private PodStates() {}

    private static Pod copy(Pod pod) {
        Pod p = new io.fabric8.kubernetes.api.model.PodBuilder(pod).build();
        if (p.getStatus() == null) {
            p.setStatus(new PodStatus());
        }
        return p;
    }

    private static String ts(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** The scheduler could not place the pod. */
    public static Pod unschedulable(Pod pod, String message, Instant at) {
        Pod p = copy(pod);
        p.getStatus().setPhase("Pending");
        setCondition(p, "PodScheduled", "False", "Unschedulable", message, at);
        return p;
    }

    /** Bound to a node by the scheduler at {@code at}; its kubelet has not reported on it yet. */
    public static Pod bound(Pod pod, String node, Instant at) {
        Pod p = copy(pod);
        p.getSpec().setNodeName(node);
        p.getStatus().setPhase("Pending");
        setCondition(p, "PodScheduled", "True", null, null, at);
        return p;
    }

    /**
     * Bound to a node and taken up by its kubelet at {@code at} ({@code status.startTime}); init containers about to
     * run. PodScheduled is the scheduler's: kept as it is when the pod was bound by a scheduler, set at {@code at}
     * where there is none.
     */
    public static Pod scheduled(Pod pod, String node, Instant at) {
        Pod p = copy(pod);
        p.getSpec().setNodeName(node);
        p.getStatus().setPhase("Pending");
        p.getStatus().setStartTime(ts(at));
        boolean bound = list(p.getStatus().getConditions()).stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus()));
        if (!bound) {
            setCondition(p, "PodScheduled", "True", null, null, at);
        }
        p.getStatus()
                .setInitContainerStatuses(statuses(p.getSpec().getInitContainers(), waiting("PodInitializing", null)));
        p.getStatus().setContainerStatuses(statuses(p.getSpec().getContainers(), waiting("PodInitializing", null)));
        return p;
    }

    /** A container cannot start (e.g. ImagePullBackOff, CreateContainerConfigError). */
    public static Pod waiting(Pod pod, String container, String reason, String message) {
        Pod p = copy(pod);
        if (p.getStatus().getPhase() == null) {
            p.getStatus().setPhase("Pending");
        }
        ensureStatuses(p);
        statusOf(p, container).setState(waiting(reason, message));
        return p;
    }

    /**
     * Ready again: what a kubelet's status manager writes when the node lifecycle controller marked a running pod
     * NotReady while the node's heartbeats were late and the node is back (its probes pass).
     */
    public static Pod readyAgain(Pod pod, Instant at) {
        Pod p = copy(pod);
        setCondition(p, "Ready", "True", null, null, at);
        for (ContainerStatus c : list(p.getStatus().getContainerStatuses())) {
            c.setReady(c.getState() != null && c.getState().getRunning() != null);
        }
        return p;
    }

    /** Init steps done, sidecars and main containers running. */
    public static Pod running(Pod pod, String podIp, Instant at) {
        Pod p = copy(pod);
        p.getStatus().setPhase("Running");
        p.getStatus().setPodIP(podIp);
        if (p.getStatus().getStartTime() == null) {
            p.getStatus().setStartTime(ts(at));
        }
        setCondition(p, "PodScheduled", "True", null, null, at);
        setCondition(p, "Ready", "True", null, null, at);
        List<ContainerStatus> init = new ArrayList<>();
        for (Container c : list(p.getSpec().getInitContainers())) {
            ContainerState state =
                    "Always".equals(c.getRestartPolicy()) ? running(at) : terminated(0, "Completed", "{}", at, at);
            init.add(status(c, state, "Always".equals(c.getRestartPolicy())));
        }
        p.getStatus().setInitContainerStatuses(init);
        p.getStatus().setContainerStatuses(statuses(p.getSpec().getContainers(), running(at)));
        return p;
    }

    /**
     * The main container exits. Exit 0 on every main container: the pod Succeeded and its sidecars stopped, with the
     * data agent's result (the model location from its plan) as their termination message. Non-zero: the pod Failed.
     */
    public static Pod exited(Pod pod, String container, int exitCode, String reason, String message, Instant at) {
        Pod p = copy(pod);
        ensureStatuses(p);
        ContainerStatus status = statusOf(p, container);
        String startedAt = status.getState() != null && status.getState().getRunning() != null
                ? status.getState().getRunning().getStartedAt()
                : ts(at);
        status.setState(terminated(
                exitCode,
                reason == null ? (exitCode == 0 ? "Completed" : "Error") : reason,
                message,
                Instant.parse(startedAt),
                at));
        status.setReady(false);
        boolean allDone = list(p.getStatus().getContainerStatuses()).stream()
                .allMatch(s -> s.getState() != null && s.getState().getTerminated() != null);
        if (allDone) {
            boolean ok = list(p.getStatus().getContainerStatuses()).stream()
                    .allMatch(s -> s.getState().getTerminated().getExitCode() == 0);
            for (Container c : list(p.getSpec().getInitContainers())) {
                if ("Always".equals(c.getRestartPolicy())) {
                    statusOf(p, c.getName()).setState(terminated(0, "Completed", agentResult(c), at, at));
                }
            }
            p.getStatus().setPhase(ok ? "Succeeded" : "Failed");
            setCondition(p, "Ready", "False", "PodCompleted", null, at);
        }
        return p;
    }

    /** The final upload of a sidecar fails (e.g. no permission on the bucket). */
    public static Pod sidecarFailed(Pod pod, String container, String error, Instant at) {
        Pod p = copy(pod);
        statusOf(p, container)
                .setState(terminated(1, "Error", "{\"error\":\"" + error.replace("\"", "'") + "\"}", at, at));
        return p;
    }

    /** An init container fails (e.g. the data agent cannot download a channel). */
    public static Pod initFailed(Pod pod, String container, String error, Instant at) {
        Pod p = copy(pod);
        ensureStatuses(p);
        statusOf(p, container)
                .setState(terminated(1, "Error", "{\"error\":\"" + error.replace("\"", "'") + "\"}", at, at));
        p.getStatus().setPhase("Failed");
        return p;
    }

    /** The kubelet evicts the pod under node pressure. */
    public static Pod evicted(Pod pod, String message, Instant at) {
        Pod p = copy(pod);
        p.getStatus().setPhase("Failed");
        p.getStatus().setReason("Evicted");
        p.getStatus().setMessage(message);
        setCondition(p, "DisruptionTarget", "True", "TerminationByKubelet", message, at);
        return p;
    }

    /** The scheduler preempts the pod for a higher-priority one. */
    public static Pod preempted(Pod pod, String message, Instant at) {
        Pod p = copy(pod);
        setCondition(p, "DisruptionTarget", "True", "PreemptionByScheduler", message, at);
        return p;
    }

    /** The node is gone: the taint manager marks the pod for deletion. */
    public static Pod nodeLost(Pod pod, Instant at) {
        Pod p = copy(pod);
        setCondition(
                p,
                "DisruptionTarget",
                "True",
                "DeletionByTaintManager",
                "Taint manager: deleting due to NoExecute taint key node.kubernetes.io/unreachable",
                at);
        return p;
    }

    private static String agentResult(Container sidecar) {
        for (EnvVar e : list(sidecar.getEnv())) {
            if (AGENT_PLAN_ENV.equals(e.getName()) && e.getValue() != null) {
                try {
                    JsonNode plan = JSON.readTree(e.getValue());
                    boolean leader = plan.path("hosts").size() == 0
                            || plan.path("hosts")
                                    .get(0)
                                    .asText()
                                    .equals(plan.path("currentHost").asText());
                    if (leader && plan.has("output")) {
                        return JSON.writeValueAsString(Map.of(
                                "modelArtifacts", plan.at("/output/modelUri").asText()));
                    }
                } catch (Exception ignored) {
                    return "{}";
                }
            }
        }
        return "{}";
    }

    private static void ensureStatuses(Pod p) {
        if (p.getStatus().getInitContainerStatuses() == null
                || p.getStatus().getInitContainerStatuses().isEmpty()) {
            p.getStatus()
                    .setInitContainerStatuses(
                            statuses(p.getSpec().getInitContainers(), waiting("PodInitializing", null)));
        }
        if (p.getStatus().getContainerStatuses() == null
                || p.getStatus().getContainerStatuses().isEmpty()) {
            p.getStatus().setContainerStatuses(statuses(p.getSpec().getContainers(), waiting("PodInitializing", null)));
        }
    }

    private static ContainerStatus statusOf(Pod p, String name) {
        for (ContainerStatus s : list(p.getStatus().getInitContainerStatuses())) {
            if (s.getName().equals(name)) {
                return s;
            }
        }
        for (ContainerStatus s : list(p.getStatus().getContainerStatuses())) {
            if (s.getName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("pod " + p.getMetadata().getName() + " has no container " + name);
    }

    private static List<ContainerStatus> statuses(List<Container> containers, ContainerState state) {
        List<ContainerStatus> result = new ArrayList<>();
        for (Container c : list(containers)) {
            result.add(status(c, state, false));
        }
        return result;
    }

    private static ContainerStatus status(Container c, ContainerState state, boolean ready) {
        return new ContainerStatusBuilder()
                .withName(c.getName())
                .withImage(c.getImage())
                .withImageID("")
                .withReady(ready)
                .withRestartCount(0)
                .withStarted(state.getRunning() != null)
                .withState(state)
                .build();
    }

    private static ContainerState waiting(String reason, String message) {
        return new ContainerStateBuilder()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .build();
    }

    private static ContainerState running(Instant at) {
        return new ContainerStateBuilder()
                .withNewRunning()
                .withStartedAt(ts(at))
                .endRunning()
                .build();
    }

    private static ContainerState terminated(
            int exitCode, String reason, String message, Instant startedAt, Instant finishedAt) {
        return new ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withReason(reason)
                .withMessage(message)
                .withStartedAt(ts(startedAt))
                .withFinishedAt(ts(finishedAt))
                .endTerminated()
                .build();
    }

    private static void setCondition(Pod p, String type, String status, String reason, String message, Instant at) {
        List<PodCondition> conditions = new ArrayList<>(list(p.getStatus().getConditions()));
        conditions.removeIf(c -> type.equals(c.getType()));
        conditions.add(new PodConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(ts(at))
                .build());
        p.getStatus().setConditions(conditions);
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
