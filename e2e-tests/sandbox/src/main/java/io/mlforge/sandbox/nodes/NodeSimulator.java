package io.mlforge.sandbox.nodes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mlforge.kubesim.PodStates;
import io.mlforge.sagemaker.emulator.SyntheticTrainer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
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
 * Simulated GPU nodes in the spirit of KWOK, as a plain client of a real API server: it registers Node objects
 * with GPU capacity, keeps them alive (node Leases and the Ready condition, as a kubelet does), and plays the
 * kubelet for pods the real scheduler bound to them: pulls, runs and ends their containers with realistic timing,
 * keeps the logs that its {@link KubeletEndpoint} serves to the API server's {@code pods/log} proxy, and confirms
 * graceful deletions. Scheduling, garbage collection, Deployments, ReplicaSets and Jobs are the real control
 * plane's. Training pods (restartPolicy Never/OnFailure) run a synthetic training curve and exit; serving pods
 * (restartPolicy Always) become Ready and keep running.
 */
public final class NodeSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeSimulator.class);
    private static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final int LEASE_SECONDS = 40;

    /** One node of the inventory. */
    public record NodeSpec(String name, int gpus, int cpus, String instanceType, String capacityType) {}

    /** How long things take; {@link #scaled} speeds the sandbox up or down. */
    public record Timing(Duration pull, Duration epoch, Duration nodeRecovery, Duration heartbeat) {
        public static Timing realistic() {
            return new Timing(
                    Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(10));
        }

        public Timing scaled(double factor) {
            return new Timing(scale(pull, factor), scale(epoch, factor), scale(nodeRecovery, factor), heartbeat);
        }

        private static Duration scale(Duration d, double factor) {
            return Duration.ofMillis(Math.max(1, (long) (d.toMillis() * factor)));
        }
    }

    private final KubernetesClient client;
    private final PodLogs logs;
    private final Clock clock;
    private final List<NodeSpec> nodes;
    private final Map<String, NodeSpec> nodesByName = new ConcurrentHashMap<>();
    private final Timing timing;
    /** Time factor, applied to fault times too. */
    private final double speed;

    private final int kubeletPort;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "sandbox-kubelet");
        t.setDaemon(true);
        return t;
    });
    /** Pods this kubelet has started (namespace/name/uid), so an update never starts one twice. */
    private final Set<String> started = ConcurrentHashMap.newKeySet();

    private final Map<String, List<ScheduledFuture<?>>> timers = new ConcurrentHashMap<>();
    private final Set<String> downNodes = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextIp = new AtomicInteger(2);
    private SharedIndexInformer<Pod> pods;

    public NodeSimulator(
            KubernetesClient client,
            PodLogs logs,
            Clock clock,
            List<NodeSpec> nodes,
            Timing timing,
            double speed,
            int kubeletPort) {
        this.speed = speed;
        this.client = client;
        this.logs = logs;
        this.clock = clock;
        this.nodes = List.copyOf(nodes);
        this.nodes.forEach(n -> nodesByName.put(n.name(), n));
        this.timing = timing;
        this.kubeletPort = kubeletPort;
    }

    /** {@code count} nodes of {@code gpus} GPUs; the last one is spot capacity when there are several. */
    public static List<NodeSpec> inventory(int count, int gpus) {
        List<NodeSpec> specs = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            specs.add(new NodeSpec(
                    "sandbox-node-" + i, gpus, 96, "p4d.24xlarge", count > 1 && i == count ? "spot" : "on-demand"));
        }
        return specs;
    }

    public void start() {
        for (NodeSpec spec : nodes) {
            register(spec);
        }
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
                                started.remove(key + "/" + pod.getMetadata().getUid());
                                logs.forget(
                                        pod.getMetadata().getNamespace(),
                                        pod.getMetadata().getName());
                            }
                        },
                        0);
        executor.scheduleWithFixedDelay(
                this::heartbeat,
                timing.heartbeat().toMillis(),
                timing.heartbeat().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    // ---- nodes

    private void register(NodeSpec spec) {
        Node node = new NodeBuilder()
                .withNewMetadata()
                .withName(spec.name())
                .withLabels(labels(spec))
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build();
        client.nodes().resource(node).createOr(existing -> existing.patch());
        writeNodeStatus(spec, true);
        renewLease(spec);
    }

    private void writeNodeStatus(NodeSpec spec, boolean ready) {
        Map<String, Quantity> capacity = Map.of(
                "cpu",
                new Quantity(Integer.toString(spec.cpus())),
                "memory",
                new Quantity("1Ti"),
                "nvidia.com/gpu",
                new Quantity(Integer.toString(spec.gpus())),
                "pods",
                new Quantity("110"),
                "ephemeral-storage",
                new Quantity("2Ti"));
        String now = now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<NodeCondition> conditions = new ArrayList<>();
        for (String pressure : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
            conditions.add(new NodeConditionBuilder()
                    .withType(pressure)
                    .withStatus(ready ? "False" : "Unknown")
                    .withReason(ready ? "KubeletHasSufficient" + pressure.replace("Pressure", "") : "NodeStatusUnknown")
                    .withLastHeartbeatTime(now)
                    .withLastTransitionTime(now)
                    .build());
        }
        conditions.add(new NodeConditionBuilder()
                .withType("Ready")
                .withStatus(ready ? "True" : "Unknown")
                .withReason(ready ? "KubeletReady" : "NodeStatusUnknown")
                .withMessage(
                        ready
                                ? "sandbox kubelet is posting ready status"
                                : "Kubelet stopped posting node status (sandbox fault)")
                .withLastHeartbeatTime(now)
                .withLastTransitionTime(now)
                .build());
        // merge patches without a resourceVersion: the node controller writes taints and conditions of its own
        Node status = new NodeBuilder()
                .withNewMetadata()
                .withName(spec.name())
                .endMetadata()
                .withStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                        .withCapacity(capacity)
                        .withAllocatable(capacity)
                        .withConditions(conditions)
                        .addNewAddress()
                        .withType("InternalIP")
                        .withAddress("127.0.0.1")
                        .endAddress()
                        .addNewAddress()
                        .withType("Hostname")
                        .withAddress(spec.name())
                        .endAddress()
                        .withNewDaemonEndpoints()
                        .withNewKubeletEndpoint()
                        .withPort(kubeletPort)
                        .endKubeletEndpoint()
                        .endDaemonEndpoints()
                        .withNewNodeInfo()
                        .withArchitecture("amd64")
                        .withOperatingSystem("linux")
                        .withKubeletVersion("sandbox")
                        .withContainerRuntimeVersion("sandbox://1")
                        .withKernelVersion("sandbox")
                        .withOsImage("MLForge sandbox")
                        .withMachineID(spec.name())
                        .withSystemUUID(spec.name())
                        .withBootID(spec.name())
                        .withKubeProxyVersion("")
                        .endNodeInfo()
                        .build())
                .build();
        client.nodes()
                .withName(spec.name())
                .subresource("status")
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        client.getKubernetesSerialization().asJson(status));
        client.nodes()
                .withName(spec.name())
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"unschedulable\":" + (ready ? "null" : "true") + "}}");
    }

    private void renewLease(NodeSpec spec) {
        ZonedDateTime now = ZonedDateTime.ofInstant(now().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
        Lease lease = new LeaseBuilder()
                .withNewMetadata()
                .withName(spec.name())
                .withNamespace(LEASE_NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity(spec.name())
                .withLeaseDurationSeconds(LEASE_SECONDS)
                .withRenewTime(now)
                .endSpec()
                .build();
        client.leases()
                .inNamespace(LEASE_NAMESPACE)
                .resource(lease)
                .createOr(existing -> existing.edit(l -> {
                    l.getSpec().setRenewTime(now);
                    l.getSpec().setHolderIdentity(spec.name());
                    return l;
                }));
    }

    private int beats;

    private void heartbeat() {
        beats++;
        for (NodeSpec spec : nodes) {
            try {
                renewLease(spec);
                if (beats % 4 == 0 && !downNodes.contains(spec.name())) {
                    writeNodeStatus(spec, true); // as a kubelet reports status at least every few lease renewals
                }
            } catch (RuntimeException e) {
                LOG.warn("heartbeat of {} failed: {}", spec.name(), e.getMessage());
            }
        }
    }

    private static Map<String, String> labels(NodeSpec node) {
        return Map.of(
                "kubernetes.io/hostname",
                node.name(),
                "kubernetes.io/os",
                "linux",
                "kubernetes.io/arch",
                "amd64",
                "node.kubernetes.io/instance-type",
                node.instanceType(),
                "karpenter.sh/capacity-type",
                node.capacityType(),
                "nvidia.com/gpu.present",
                node.gpus() > 0 ? "true" : "false",
                "type",
                "sandbox");
    }

    // ---- kubelet

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    private static boolean terminated(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private Instant now() {
        return clock.instant();
    }

    private void observe(Pod pod) {
        String nodeName = pod.getSpec().getNodeName();
        NodeSpec node = nodeName == null ? null : nodesByName.get(nodeName);
        if (node == null) {
            return;
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            confirmDeletion(pod);
            return;
        }
        if (!terminated(pod) && started.add(key(pod) + "/" + pod.getMetadata().getUid())) {
            executor.execute(() -> startPod(pod, node));
        }
    }

    /** The kubelet has stopped the containers of a pod being deleted: remove it for good (grace period 0). */
    private void confirmDeletion(Pod pod) {
        String key = key(pod);
        cancelTimers(key);
        executor.execute(() -> {
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

    private void startPod(Pod pod, NodeSpec node) {
        update(pod, p -> PodStates.scheduled(p, node.name(), now()));
        Faults faults = Faults.of(pod).scaled(speed);
        Duration pull = timing.pull();
        if (faults.slowPull() != null) {
            update(
                    pod,
                    p -> PodStates.waiting(
                            p,
                            pod.getSpec().getContainers().get(0).getName(),
                            "ImagePullBackOff",
                            "Back-off pulling image \""
                                    + pod.getSpec().getContainers().get(0).getImage() + "\""));
            pull = pull.plus(faults.slowPull());
        }
        after(pod, pull, () -> run(pod, node, faults));
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
        if (update(pod, p -> PodStates.running(p, ip, now())) == null) {
            return;
        }
        Instant startedAt = now();
        if (pod.getSpec().getInitContainers() != null
                && !pod.getSpec().getInitContainers().isEmpty()) {
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
                    "sandbox: serving " + main.getImage() + " on " + node.name() + " port 8080");
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
            update(
                    pod,
                    p -> PodStates.evicted(
                            p, "The node was low on resource: ephemeral-storage. (sandbox fault)", now()));
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
        update(pod, p -> PodStates.exited(p, container, code, reason, message, now()));
        logs.finish(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), container);
    }

    /**
     * The node disappears: it turns NotReady and unschedulable, its pods are marked by the taint manager and
     * deleted (done here at once instead of after the node controller's grace period); it returns later.
     */
    public void loseNode(NodeSpec node) {
        downNodes.add(node.name());
        writeNodeStatus(node, false);
        for (Pod pod : pods.getStore().list()) {
            if (!node.name().equals(pod.getSpec().getNodeName()) || terminated(pod)) {
                continue;
            }
            cancelTimers(key(pod));
            update(pod, p -> PodStates.nodeLost(p, now()));
            executor.schedule(
                    () -> client.pods()
                            .inNamespace(pod.getMetadata().getNamespace())
                            .withName(pod.getMetadata().getName())
                            .withGracePeriod(0)
                            .delete(),
                    500,
                    TimeUnit.MILLISECONDS);
        }
        executor.schedule(
                () -> {
                    downNodes.remove(node.name());
                    writeNodeStatus(node, true);
                },
                timing.nodeRecovery().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private Pod update(Pod pod, UnaryOperator<Pod> transition) {
        try {
            return client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .editStatus(transition);
        } catch (KubernetesClientException e) {
            LOG.debug("status of {} not written: {}", key(pod), e.getMessage());
            return null; // the pod was deleted meanwhile
        }
    }

    private void after(Pod pod, Duration delay, Runnable action) {
        ScheduledFuture<?> future = executor.schedule(
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

    private static String env(Container c, String name) {
        if (c.getEnv() == null) {
            return null;
        }
        return c.getEnv().stream()
                .filter(e -> name.equals(e.getName()))
                .map(EnvVar::getValue)
                .findFirst()
                .orElse(null);
    }

    public List<NodeSpec> nodes() {
        return nodes;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        if (pods != null) {
            pods.close();
        }
    }
}
