package io.mlforge.sandbox.nodes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mlforge.kubesim.PodStates;
import io.mlforge.sagemaker.emulator.SyntheticTrainer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
 * Simulated GPU nodes in the spirit of KWOK: Node objects with capacity, a scheduler that binds pods where their
 * GPUs and CPU fit (or marks them unschedulable with the scheduler's message), and a kubelet that pulls, runs and
 * ends their containers with realistic timing, writing their logs. It also plays two controllers: garbage
 * collection of objects whose owners are gone, and Deployments becoming ready.
 */
public final class NodeSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeSimulator.class);

    /** One node of the inventory. */
    public record NodeSpec(String name, int gpus, int cpus, String instanceType, String capacityType) {
    }

    /** How long things take; {@link #scaled} speeds the sandbox up or down. */
    public record Timing(Duration pull, Duration epoch, Duration nodeRecovery, Duration controllers) {
        public static Timing realistic() {
            return new Timing(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(1));
        }

        public Timing scaled(double factor) {
            return new Timing(scale(pull, factor), scale(epoch, factor), scale(nodeRecovery, factor), controllers);
        }

        private static Duration scale(Duration d, double factor) {
            return Duration.ofMillis(Math.max(1, (long) (d.toMillis() * factor)));
        }
    }

    private record Placement(String node, int gpus, long cpuMillis) {
    }

    private final KubernetesClient client;
    private final PodLogs logs;
    private final Clock clock;
    private final List<NodeSpec> nodes;
    private final Timing timing;
    /** Time factor, applied to fault times too. */
    private final double speed;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "sandbox-kubelet");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Placement> placements = new ConcurrentHashMap<>();
    /** GPUs and CPU millis in use per node, kept with the placements. */
    private final Map<String, long[]> used = new ConcurrentHashMap<>();
    private final Map<String, List<ScheduledFuture<?>>> timers = new ConcurrentHashMap<>();
    private final Set<String> pending = new LinkedHashSet<>();
    private final Set<String> reportedUnschedulable = ConcurrentHashMap.newKeySet();
    private final Set<String> downNodes = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextIp = new AtomicInteger(2);
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Deployment> deployments;

    public NodeSimulator(KubernetesClient client, PodLogs logs, Clock clock, List<NodeSpec> nodes, Timing timing, double speed) {
        this.speed = speed;
        this.client = client;
        this.logs = logs;
        this.clock = clock;
        this.nodes = List.copyOf(nodes);
        this.timing = timing;
    }

    /** {@code count} nodes of {@code gpus} GPUs; the last one is spot capacity when there are several. */
    public static List<NodeSpec> inventory(int count, int gpus) {
        List<NodeSpec> specs = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            specs.add(new NodeSpec("sandbox-node-" + i, gpus, 96, "p4d.24xlarge", count > 1 && i == count ? "spot" : "on-demand"));
        }
        return specs;
    }

    public void start() {
        for (NodeSpec spec : nodes) {
            client.nodes().resource(node(spec, true)).createOr(existing -> existing.update());
        }
        pods = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                if (pod.getSpec().getNodeName() == null && !terminated(pod)) {
                    synchronized (pending) {
                        pending.add(key(pod));
                    }
                }
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                String key = key(pod);
                synchronized (pending) {
                    pending.remove(key);
                }
                cancelTimers(key);
                release(key);
                reportedUnschedulable.remove(key);
                logs.forget(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            }
        }, 0);
        deployments = client.apps().deployments().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                makeReady(d);
            }

            @Override
            public void onUpdate(Deployment oldD, Deployment newD) {
                makeReady(newD);
            }

            @Override
            public void onDelete(Deployment d, boolean unknown) {
            }
        }, 0);
        executor.scheduleWithFixedDelay(this::safely, 100, 100, TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::collectGarbage, timing.controllers().toMillis(), timing.controllers().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void safely() {
        try {
            schedulePending();
        } catch (RuntimeException e) {
            LOG.warn("scheduling failed: {}", e.getMessage());
        }
    }

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

    // ---- scheduler

    private void schedulePending() {
        List<String> keys;
        synchronized (pending) {
            keys = new ArrayList<>(pending);
        }
        for (String key : keys) {
            Pod pod = pods.getStore().getByKey(key);
            if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
                synchronized (pending) {
                    pending.remove(key);
                }
                continue;
            }
            int gpus = gpus(pod);
            long cpu = cpuMillis(pod);
            String gpuName = gpuResourceName(pod);
            NodeSpec chosen = null;
            int insufficientGpu = 0;
            int insufficientCpu = 0;
            int selectorMismatch = 0;
            for (NodeSpec node : nodes) {
                if (downNodes.contains(node.name())) {
                    continue;
                }
                if (!selectorMatches(pod, node)) {
                    selectorMismatch++;
                    continue;
                }
                long[] usage = used.getOrDefault(node.name(), new long[2]);
                long freeGpus = node.gpus() - usage[0];
                long freeCpu = node.cpus() * 1000L - usage[1];
                if (freeGpus < gpus) {
                    insufficientGpu++;
                } else if (freeCpu < cpu) {
                    insufficientCpu++;
                } else if (chosen == null || freeGpus < freeGpus(chosen)) {
                    chosen = node; // pack GPUs tightly, as the default scheduler's bin-packing profiles do
                }
            }
            if (chosen == null) {
                if (reportedUnschedulable.add(key)) {
                    List<String> reasons = new ArrayList<>();
                    if (insufficientGpu > 0) {
                        reasons.add(insufficientGpu + " Insufficient " + gpuName);
                    }
                    if (insufficientCpu > 0) {
                        reasons.add(insufficientCpu + " Insufficient cpu");
                    }
                    if (selectorMismatch > 0) {
                        reasons.add(selectorMismatch + " node(s) didn't match Pod's node affinity/selector");
                    }
                    int down = downNodes.size();
                    if (down > 0) {
                        reasons.add(down + " node(s) had untolerated taint {node.kubernetes.io/unreachable: }");
                    }
                    String message = "0/" + nodes.size() + " nodes are available: " + String.join(", ", reasons) + ".";
                    update(pod, p -> PodStates.unschedulable(p, message, now()));
                }
                continue;
            }
            place(key, new Placement(chosen.name(), gpus, cpu));
            reportedUnschedulable.remove(key);
            synchronized (pending) {
                pending.remove(key);
            }
            bindAndRun(pod, chosen);
        }
    }

    private long freeGpus(NodeSpec node) {
        return node.gpus() - used.getOrDefault(node.name(), new long[2])[0];
    }

    private synchronized void place(String key, Placement placement) {
        placements.put(key, placement);
        long[] usage = used.computeIfAbsent(placement.node(), n -> new long[2]);
        usage[0] += placement.gpus();
        usage[1] += placement.cpuMillis();
    }

    private synchronized void release(String key) {
        Placement placement = placements.remove(key);
        if (placement != null) {
            long[] usage = used.get(placement.node());
            usage[0] -= placement.gpus();
            usage[1] -= placement.cpuMillis();
        }
    }

    private final Map<String, Map<String, String>> nodeLabels = new ConcurrentHashMap<>();

    private boolean selectorMatches(Pod pod, NodeSpec node) {
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        if (selector == null || selector.isEmpty()) {
            return true;
        }
        Map<String, String> labels = nodeLabels.computeIfAbsent(node.name(), n -> labels(node));
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> labels(NodeSpec node) {
        return Map.of("kubernetes.io/hostname", node.name(), "node.kubernetes.io/instance-type", node.instanceType(),
                "karpenter.sh/capacity-type", node.capacityType(), "nvidia.com/gpu.present", node.gpus() > 0 ? "true" : "false");
    }

    private static int gpus(Pod pod) {
        int total = 0;
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getResources() != null && c.getResources().getLimits() != null) {
                for (Map.Entry<String, Quantity> e : c.getResources().getLimits().entrySet()) {
                    if (e.getKey().endsWith("/gpu")) {
                        total += e.getValue().getNumericalAmount().intValue();
                    }
                }
            }
        }
        return total;
    }

    private static String gpuResourceName(Pod pod) {
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getResources() != null && c.getResources().getLimits() != null) {
                for (String name : c.getResources().getLimits().keySet()) {
                    if (name.endsWith("/gpu")) {
                        return name;
                    }
                }
            }
        }
        return "nvidia.com/gpu";
    }

    private static long cpuMillis(Pod pod) {
        long total = 0;
        for (Container c : pod.getSpec().getContainers()) {
            Quantity cpu = c.getResources() == null || c.getResources().getRequests() == null ? null : c.getResources().getRequests().get("cpu");
            total += cpu == null ? 100 : cpu.getNumericalAmount().multiply(BigDecimal.valueOf(1000)).longValue();
        }
        return total;
    }

    // ---- kubelet

    private void bindAndRun(Pod pod, NodeSpec node) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        try {
            client.pods().inNamespace(ns).withName(name).edit(p -> {
                p.getSpec().setNodeName(node.name());
                return p;
            });
        } catch (KubernetesClientException e) {
            release(key(pod));
            return;
        }
        update(pod, p -> PodStates.scheduled(p, node.name(), now()));
        Faults faults = Faults.of(pod).scaled(speed);
        Duration pull = timing.pull();
        if (faults.slowPull() != null) {
            update(pod, p -> PodStates.waiting(p, "trainer", "ImagePullBackOff", "Back-off pulling image \""
                    + pod.getSpec().getContainers().get(0).getImage() + "\""));
            pull = pull.plus(faults.slowPull());
        }
        after(pod, pull, () -> run(pod, node, faults));
    }

    private void run(Pod pod, NodeSpec node, Faults faults) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String ip = "10.244." + (nextIp.get() / 250) + "." + (nextIp.getAndIncrement() % 250 + 2);
        if (update(pod, p -> PodStates.running(p, ip, now())) == null) {
            return;
        }
        Instant started = now();
        if (pod.getSpec().getInitContainers() != null && !pod.getSpec().getInitContainers().isEmpty()) {
            logs.append(ns, name, pod.getSpec().getInitContainers().get(0).getName(), started,
                    "prepared /opt/ml (sandbox: data transfers are simulated)");
        }
        Container trainer = pod.getSpec().getContainers().get(0);
        logs.append(ns, name, trainer.getName(), started, "sandbox: running " + trainer.getImage() + " on " + node.name()
                + (SyntheticTrainer.isSyntheticTrainer(trainer.getImage()) ? "" : " (simulated as a default learning curve)"));
        List<String> lines = SyntheticTrainer.epochs(trainer.getImage(), env(trainer, "SM_HPS"));
        Duration end = timing.epoch().multipliedBy(lines.size());
        Duration fault = earliest(faults.evictAfter(), faults.oomAfter(), faults.failAfter(), faults.nodeLossAfter());
        for (int i = 0; i < lines.size(); i++) {
            Duration at = timing.epoch().multipliedBy(i + 1);
            if (fault != null && at.compareTo(fault) > 0) {
                break;
            }
            String line = lines.get(i);
            after(pod, at, () -> logs.append(ns, name, trainer.getName(), now(), line));
        }
        if (fault != null && fault.compareTo(end) < 0) {
            after(pod, fault, () -> injectFault(pod, node, faults, fault));
        } else {
            after(pod, end.plusMillis(1), () -> exit(pod, 0, null, null));
        }
    }

    private void injectFault(Pod pod, NodeSpec node, Faults faults, Duration at) {
        if (at.equals(faults.evictAfter())) {
            update(pod, p -> PodStates.evicted(p, "The node was low on resource: ephemeral-storage. (sandbox fault)", now()));
            release(key(pod));
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
        release(key(pod));
    }

    /** The node disappears: its pods are marked for deletion by the taint manager and deleted; it returns later. */
    public void loseNode(NodeSpec node) {
        downNodes.add(node.name());
        client.nodes().withName(node.name()).edit(n -> node(node, false));
        for (Map.Entry<String, Placement> e : new ArrayList<>(placements.entrySet())) {
            if (!e.getValue().node().equals(node.name())) {
                continue;
            }
            Pod pod = pods.getStore().getByKey(e.getKey());
            if (pod != null) {
                cancelTimers(e.getKey());
                update(pod, p -> PodStates.nodeLost(p, now()));
                executor.schedule(() -> client.pods().inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName()).delete(), 500, TimeUnit.MILLISECONDS);
            }
            release(e.getKey());
        }
        executor.schedule(() -> {
            downNodes.remove(node.name());
            client.nodes().withName(node.name()).edit(n -> node(node, true));
        }, timing.nodeRecovery().toMillis(), TimeUnit.MILLISECONDS);
    }

    private Pod update(Pod pod, UnaryOperator<Pod> transition) {
        try {
            return client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).editStatus(transition);
        } catch (KubernetesClientException e) {
            return null; // the pod was deleted meanwhile
        }
    }

    private void after(Pod pod, Duration delay, Runnable action) {
        ScheduledFuture<?> future = executor.schedule(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("simulating {} failed: {}", key(pod), e.getMessage());
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
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
        return c.getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue).findFirst().orElse(null);
    }

    private static Node node(NodeSpec spec, boolean ready) {
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity(Integer.toString(spec.cpus())), "memory", new Quantity("1Ti"),
                "nvidia.com/gpu", new Quantity(Integer.toString(spec.gpus())), "pods", new Quantity("110"));
        return new NodeBuilder().withNewMetadata().withName(spec.name()).withLabels(labels(spec)).endMetadata()
                .withNewSpec().withUnschedulable(!ready).endSpec()
                .withNewStatus().withCapacity(capacity).withAllocatable(capacity)
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "Unknown")
                .withReason(ready ? "KubeletReady" : "NodeStatusUnknown").endCondition()
                .endStatus().build();
    }

    // ---- controllers

    private void makeReady(Deployment d) {
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        boolean ready = d.getStatus() != null && d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() == replicas
                && d.getMetadata().getGeneration().equals(d.getStatus().getObservedGeneration());
        if (ready) {
            return;
        }
        executor.schedule(() -> {
            try {
                client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).withName(d.getMetadata().getName()).editStatus(x -> {
                    int r = x.getSpec().getReplicas() == null ? 1 : x.getSpec().getReplicas();
                    x.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReplicas(r).withReadyReplicas(r)
                            .withAvailableReplicas(r).withUpdatedReplicas(r).withObservedGeneration(x.getMetadata().getGeneration())
                            .addNewCondition().withType("Available").withStatus("True").withReason("MinimumReplicasAvailable").endCondition()
                            .build());
                    return x;
                });
            } catch (KubernetesClientException e) {
                LOG.debug("deployment gone: {}", e.getMessage());
            }
        }, timing.pull().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Deletes objects whose owners are all gone, as the garbage collector does (background propagation). */
    private void collectGarbage() {
        try {
            Set<String> owners = new HashSet<>();
            for (String plural : List.of("trainingjobs", "tuningjobs", "endpoints")) {
                client.genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                                .withGroup("mlforge.io").withVersion("v1alpha1").withPlural(plural).withNamespaced(true).build())
                        .inAnyNamespace().list().getItems().forEach(o -> owners.add(o.getMetadata().getUid()));
            }
            client.apps().deployments().inAnyNamespace().list().getItems().forEach(o -> owners.add(o.getMetadata().getUid()));
            List<HasMetadata> dependents = new ArrayList<>();
            dependents.addAll(pods.getStore().list());
            dependents.addAll(client.services().inAnyNamespace().list().getItems());
            dependents.addAll(client.apps().deployments().inAnyNamespace().list().getItems());
            dependents.addAll(client.configMaps().inAnyNamespace().list().getItems());
            for (HasMetadata o : dependents) {
                List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
                if (refs != null && !refs.isEmpty() && refs.stream().noneMatch(r -> owners.contains(r.getUid()))) {
                    client.resource(o).delete();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("garbage collection failed: {}", e.getMessage());
        }
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
        if (deployments != null) {
            deployments.close();
        }
    }
}
