package io.mlforge.sandbox.nodes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mlforge.kubesim.PodStates;
import io.mlforge.sagemaker.emulator.SyntheticTrainer;
import io.mlforge.sandbox.nodes.SimulatedNodes.NodeSpec;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet of the sandbox's {@link SimulatedNodes}: for every pod the real scheduler bound to one of them it
 * pulls, runs and ends the containers with realistic timing (status written through the pod's status subresource
 * as {@link PodStates}), keeps the container logs that {@link KubeletEndpoint} serves to the API server's
 * {@code pods/log} proxy, confirms graceful deletions, and injects the {@link Faults} a pod's annotations ask for.
 * Training pods (restartPolicy Never/OnFailure) run a synthetic training curve and exit; serving pods (restartPolicy
 * Always) become Ready and keep running. This is the only kubelet simulation: the operator's own tests against
 * fabric8's mock API server write the same {@link PodStates} step by step instead.
 */
public final class SimulatedKubelet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedKubelet.class);

    /** How long things take; {@link #scaled} speeds the sandbox up or down. */
    public record Timing(Duration pull, Duration epoch, Duration nodeRecovery) {
        public static Timing realistic() {
            return new Timing(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60));
        }

        public Timing scaled(double factor) {
            return new Timing(scale(pull, factor), scale(epoch, factor), scale(nodeRecovery, factor));
        }

        private static Duration scale(Duration d, double factor) {
            return Duration.ofMillis(Math.max(1, (long) (d.toMillis() * factor)));
        }
    }

    private final KubernetesClient client;
    private final SimulatedNodes nodes;
    private final PodLogs logs;
    private final Clock clock;
    private final Timing timing;
    /** Time factor, applied to fault times too. */
    private final double speed;

    /**
     * Writes the pods' status. Every real node has a kubelet of its own, writing its pods' status in parallel with
     * the others: one thread per 8 nodes (at least 4, at most 32), so that with a thousand nodes the simulation's own
     * threads do not become the queue that every pod waits in.
     */
    private final ScheduledExecutorService executor;
    /**
     * The containers' own time: pulls, epochs, exits and faults happen on it whether or not their status has been
     * written yet, as on a real node, where the kubelet's pod workers run the containers and its status manager
     * reports them when it can. Its tasks never wait for the API server.
     */
    private final ScheduledExecutorService containerClock;
    /** How the pods' status changes are written: the latest status of each pod, as a kubelet's status manager. */
    private final StatusManager statusManager;
    /** Pods this kubelet has started (namespace/name/uid), so an update never starts one twice. */
    private final Set<String> started = ConcurrentHashMap.newKeySet();

    private final Map<String, List<ScheduledFuture<?>>> timers = new ConcurrentHashMap<>();
    /** Pod IPs in 10.244.0.0/16, from a random start so that two sandboxes on one machine rarely share one. */
    private final AtomicInteger nextIp =
            new AtomicInteger(java.util.concurrent.ThreadLocalRandom.current().nextInt(50_000));

    private final ServingContainers serving = new ServingContainers();
    private SharedIndexInformer<Pod> pods;
    /** Cached model installs run for real (set once the sandbox's S3 store is up); null: all init containers simulated. */
    private volatile ModelInstalls modelInstalls;
    /** Downloads run here, off the kubelet threads that play every pod's transitions. */
    private final java.util.concurrent.ExecutorService installs = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "sandbox-model-install");
        t.setDaemon(true);
        return t;
    });

    /** From now on, pods' cached model installs run for real through {@code installs}. */
    public void installModelsWith(ModelInstalls installs) {
        this.modelInstalls = installs;
    }

    public SimulatedKubelet(
            KubernetesClient client, SimulatedNodes nodes, PodLogs logs, Clock clock, Timing timing, double speed) {
        this.client = client;
        this.nodes = nodes;
        this.logs = logs;
        this.clock = clock;
        this.timing = timing;
        this.speed = speed;
        this.executor =
                Executors.newScheduledThreadPool(threadsFor(nodes.nodes().size()), r -> {
                    Thread t = new Thread(r, "sandbox-kubelet");
                    t.setDaemon(true);
                    return t;
                });
        this.statusManager = new StatusManager(executor, this::update, pod -> serving.stop(key(pod)));
        this.containerClock = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "sandbox-kubelet-containers");
            t.setDaemon(true);
            return t;
        });
    }

    static int threadsFor(int nodes) {
        return Math.max(4, Math.min(32, nodes / 8));
    }

    /** Watches all pods and plays those bound to one of the nodes. */
    public void start() {
        pods = client.pods()
                .inAnyNamespace()
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(Pod pod) {
                                observe(pod);
                            }

                            @Override
                            public void onUpdate(Pod oldPod, Pod newPod) {
                                observe(newPod);
                            }

                            @Override
                            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                                String key = key(pod);
                                cancelTimers(key);
                                serving.stop(key);
                                started.remove(key + "/" + pod.getMetadata().getUid());
                                statusManager.forget(pod);
                                logs.forget(
                                        pod.getMetadata().getNamespace(),
                                        pod.getMetadata().getName());
                            }
                        },
                        0);
    }

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    /** Running, but Ready=False: the node lifecycle controller's mark while the node's heartbeats were late. */
    private static boolean markedNotReady(Pod pod) {
        return pod.getStatus() != null
                && "Running".equals(pod.getStatus().getPhase())
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "False".equals(c.getStatus()));
    }

    private static boolean terminated(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private Instant now() {
        return clock.instant();
    }

    private void observe(Pod pod) {
        NodeSpec node = nodes.find(pod.getSpec().getNodeName()).orElse(null);
        if (node == null) {
            return;
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            confirmDeletion(pod);
            return;
        }
        if (!terminated(pod) && started.add(key(pod) + "/" + pod.getMetadata().getUid())) {
            long seen = System.nanoTime();
            containerClock.execute(() -> startPod(pod, node, seen));
        } else if (markedNotReady(pod) && !nodes.isDown(node.name())) {
            Instant at = now();
            post(pod, p -> markedNotReady(p) ? PodStates.readyAgain(p, at) : p);
        }
    }

    /**
     * The kubelet has stopped the containers of a pod being deleted: remove it for good (grace period 0). A pod that
     * still has finalizers stays after that, so its terminal phase is written first, as the kubelet does since
     * Kubernetes 1.27 (containers stopped by SIGTERM, exit code 143, phase Failed): controllers that hold a finalizer on
     * pods, such as Kueue, wait for it before they let the pod go.
     */
    private void confirmDeletion(Pod pod) {
        String key = key(pod);
        cancelTimers(key);
        serving.stop(key);
        boolean writeTerminalPhase = !terminated(pod)
                && pod.getMetadata().getFinalizers() != null
                && !pod.getMetadata().getFinalizers().isEmpty();
        executor.execute(() -> {
            if (writeTerminalPhase) {
                update(pod, p -> {
                    Pod stopped = p;
                    for (var container : p.getSpec().getContainers()) {
                        stopped = PodStates.exited(stopped, container.getName(), 143, "Error", null, now());
                    }
                    return stopped;
                });
            }
            try {
                client.pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName())
                        .withGracePeriod(0)
                        .delete();
            } catch (KubernetesClientException e) {
                LOG.debug("deleting {}: {}", key, e.getMessage());
            }
        });
    }

    private void startPod(Pod pod, NodeSpec node, long seen) {
        statusManager.track(pod, seen);
        Instant admitted = now();
        post(pod, p -> PodStates.scheduled(p, node.name(), admitted));
        Faults faults = Faults.of(pod).scaled(speed);
        Duration pull = timing.pull();
        if (faults.slowPull() != null) {
            post(
                    pod,
                    p -> PodStates.waiting(
                            p,
                            pod.getSpec().getContainers().get(0).getName(),
                            "ImagePullBackOff",
                            "Back-off pulling image \""
                                    + pod.getSpec().getContainers().get(0).getImage() + "\""));
            pull = pull.plus(faults.slowPull());
        }
        ModelInstalls models = modelInstalls;
        if (models != null && ModelInstalls.applies(pod)) {
            after(pod, pull, () -> installs.execute(() -> installThenRun(models, pod, node, faults)));
        } else {
            after(pod, pull, () -> run(pod, node, faults));
        }
    }

    /** The pod's model installs for real, their outcome in the init container's log, then the containers start. */
    private void installThenRun(ModelInstalls models, Pod pod, NodeSpec node, Faults faults) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String init = pod.getSpec().getInitContainers().get(0).getName();
        try {
            for (ModelInstalls.Installed i : models.run(pod, node.name())) {
                logs.append(
                        ns,
                        name,
                        init,
                        now(),
                        "model " + i.uri() + ": cache " + (i.hit() ? "hit" : "miss") + " (" + i.bytes() + " bytes) in "
                                + i.millis() + " ms");
            }
            logs.finish(ns, name, init);
            containerClock.execute(() -> run(pod, node, faults));
        } catch (IOException | RuntimeException e) {
            String message = "model install failed: " + e.getMessage();
            logs.append(ns, name, init, now(), message);
            post(pod, p -> PodStates.waiting(p, init, "CrashLoopBackOff", message));
        }
    }

    private static boolean serving(Pod pod) {
        String policy = pod.getSpec().getRestartPolicy();
        return policy == null || "Always".equals(policy);
    }

    private void run(Pod pod, NodeSpec node, Faults faults) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        int n = nextIp.getAndIncrement();
        String ip = "10.244." + (n / 250 % 250) + "." + (n % 250 + 2);
        if (serving(pod)) {
            serving.start(key(pod), pod, ip); // listening before the pod turns Ready
        }
        Instant startedAt = now();
        post(pod, p -> PodStates.running(p, ip, startedAt));
        if (pod.getSpec().getInitContainers() != null
                && !pod.getSpec().getInitContainers().isEmpty()
                && !(modelInstalls != null && ModelInstalls.applies(pod))) {
            logs.append(
                    ns,
                    name,
                    pod.getSpec().getInitContainers().get(0).getName(),
                    startedAt,
                    "prepared /opt/ml (sandbox: data transfers are simulated)");
        }
        Container main = pod.getSpec().getContainers().get(0);
        if (serving(pod)) {
            logs.append(
                    ns,
                    name,
                    main.getName(),
                    startedAt,
                    "sandbox: serving " + main.getImage() + " on " + node.name() + " at " + ip + ":"
                            + ServingContainers.port(pod) + " (GET /ping, POST /invocations)");
            return; // runs until deleted
        }
        logs.append(
                ns,
                name,
                main.getName(),
                startedAt,
                "sandbox: running " + main.getImage() + " on " + node.name()
                        + (SyntheticTrainer.isSyntheticTrainer(main.getImage())
                                ? ""
                                : " (simulated as a default learning curve)"));
        List<String> lines = SyntheticTrainer.epochs(main.getImage(), env(main, "SM_HPS"));
        Duration end = timing.epoch().multipliedBy(lines.size());
        Duration fault = earliest(faults.evictAfter(), faults.oomAfter(), faults.failAfter(), faults.nodeLossAfter());
        for (int i = 0; i < lines.size(); i++) {
            Duration at = timing.epoch().multipliedBy(i + 1);
            if (fault != null && at.compareTo(fault) > 0) {
                break;
            }
            String line = lines.get(i);
            after(pod, at, () -> logs.append(ns, name, main.getName(), now(), line));
        }
        if (fault != null && fault.compareTo(end) < 0) {
            after(pod, fault, () -> injectFault(pod, node, faults, fault));
        } else {
            after(pod, end.plusMillis(1), () -> exit(pod, 0, null, null));
        }
    }

    private void injectFault(Pod pod, NodeSpec node, Faults faults, Duration at) {
        if (at.equals(faults.evictAfter())) {
            Instant evictedAt = now();
            post(
                    pod,
                    p -> PodStates.evicted(
                            p, "The node was low on resource: ephemeral-storage. (sandbox fault)", evictedAt));
            logs.finish(
                    pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(),
                    pod.getSpec().getContainers().get(0).getName());
        } else if (at.equals(faults.oomAfter())) {
            exit(pod, 137, "OOMKilled", null);
        } else if (at.equals(faults.failAfter())) {
            exit(pod, faults.exitCode(), "Error", faults.terminationMessage());
        } else if (at.equals(faults.nodeLossAfter())) {
            loseNode(node);
        }
    }

    private void exit(Pod pod, int code, String reason, String message) {
        String container = pod.getSpec().getContainers().get(0).getName();
        if (message != null) {
            logs.append(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), container, now(), message);
        }
        Instant exitedAt = now();
        post(pod, p -> PodStates.exited(p, container, code, reason, message, exitedAt));
        logs.finish(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), container);
    }

    /**
     * The node disappears: it turns NotReady and unschedulable, its pods are marked by the taint manager and
     * deleted (done here at once instead of after the node controller's grace period); it returns later.
     */
    public void loseNode(NodeSpec node) {
        nodes.goDown(node);
        for (Pod pod : pods.getStore().list()) {
            if (!node.name().equals(pod.getSpec().getNodeName()) || terminated(pod)) {
                continue;
            }
            cancelTimers(key(pod));
            serving.stop(key(pod));
            Instant lostAt = now();
            post(pod, p -> PodStates.nodeLost(p, lostAt));
            executor.schedule(
                    () -> client.pods()
                            .inNamespace(pod.getMetadata().getNamespace())
                            .withName(pod.getMetadata().getName())
                            .withGracePeriod(0)
                            .delete(),
                    500,
                    TimeUnit.MILLISECONDS);
        }
        executor.schedule(() -> nodes.recover(node), timing.nodeRecovery().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * How long this kubelet took to touch the pods bound since the last call (seen bound to first status written), in
     * milliseconds, sorted; the record starts again.
     */
    public List<Long> drainTouchDelays() {
        return statusManager.drainTouchDelays();
    }

    /** How long a status write is retried while the API server fails (longer than the reliability suite's outage). */
    static final java.time.Duration STATUS_WRITE_PATIENCE = java.time.Duration.ofMinutes(3);

    /**
     * Writes a status transition; retried when another writer (the node lifecycle controller marking pods NotReady,
     * the scheduler) changed the pod in between, and after a failure of the API server (a timeout under load, a
     * restart, a minute away), as a kubelet's status manager syncs until the server has its status. Null when the pod
     * is gone, or after {@link #STATUS_WRITE_PATIENCE} of failures.
     */
    private Pod update(Pod pod, UnaryOperator<Pod> transition) {
        int failures = 0;
        int conflicts = 0;
        java.time.Instant giveUp = java.time.Instant.now().plus(STATUS_WRITE_PATIENCE);
        while (true) {
            try {
                return client.pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName())
                        .editStatus(transition);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return null; // the pod was deleted meanwhile
                }
                if (e.getCode() == 409) {
                    if (++conflicts >= 20) {
                        LOG.warn("status of {} not written after {} conflicts", key(pod), conflicts);
                        return null;
                    }
                    continue;
                }
                if (java.time.Instant.now().isAfter(giveUp)) {
                    LOG.warn("status of {} not written: {}", key(pod), e.getMessage());
                    return null;
                }
                try {
                    Thread.sleep(Math.min(5000, 250L << Math.min(++failures, 5)));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    private void after(Pod pod, Duration delay, Runnable action) {
        ScheduledFuture<?> future = containerClock.schedule(
                () -> {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        LOG.warn("simulating {} failed: {}", key(pod), e.getMessage());
                    }
                },
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
        timers.computeIfAbsent(key(pod), k -> new ArrayList<>()).add(future);
    }

    private void cancelTimers(String key) {
        List<ScheduledFuture<?>> list = timers.remove(key);
        if (list != null) {
            list.forEach(f -> f.cancel(false));
        }
    }

    private static Duration earliest(Duration... durations) {
        Duration min = null;
        for (Duration d : durations) {
            if (d != null && (min == null || d.compareTo(min) < 0)) {
                min = d;
            }
        }
        return min;
    }

    /** The value of an environment variable set on the container, or null. */
    static String env(Container c, String name) {
        if (c.getEnv() == null) {
            return null;
        }
        return c.getEnv().stream()
                .filter(e -> name.equals(e.getName()))
                .map(EnvVar::getValue)
                .findFirst()
                .orElse(null);
    }

    /** A status change of the pod, written by the {@link StatusManager}. */
    private void post(Pod pod, UnaryOperator<Pod> change) {
        statusManager.post(pod, change);
    }

    @Override
    public void close() {
        containerClock.shutdownNow();
        executor.shutdownNow();
        serving.close();
        if (pods != null) {
            pods.close();
        }
    }
}
