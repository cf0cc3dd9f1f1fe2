package io.mlforge.sandbox.nodes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Node objects of the sandbox's simulated GPU machines, in the spirit of KWOK, as a plain client of a real API
 * server: registers each node with its GPU capacity and labels, keeps it alive as a kubelet does (node Lease renewed
 * every heartbeat, Ready condition reported every few) and takes it down and back up for node-loss faults. What runs
 * on the nodes is {@link SimulatedKubelet}'s; scheduling, taints and eviction of pods from NotReady nodes are the
 * real control plane's.
 */
public final class SimulatedNodes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedNodes.class);
    private static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final int LEASE_SECONDS = 40;

    /** One node of the inventory. */
    public record NodeSpec(String name, int gpus, int cpus, String instanceType, String capacityType) {}

    private final KubernetesClient client;
    private final Clock clock;
    private final List<NodeSpec> nodes;
    private final Map<String, NodeSpec> nodesByName = new ConcurrentHashMap<>();
    private final Duration heartbeat;
    private final int kubeletPort;
    private final Set<String> downNodes = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-node-heartbeat");
        t.setDaemon(true);
        return t;
    });
    /**
     * The beats themselves: every node's kubelet beats on its own, so a round over a thousand nodes must not run one
     * node after the other (the common pool has one thread on two cores), or leases lapse and the node lifecycle
     * controller marks nodes and their pods NotReady.
     */
    private final ExecutorService beaters;

    private int beats;

    /**
     * @param kubeletPort the port of the {@link KubeletEndpoint} every node advertises (the API server's
     *     {@code pods/log} proxy connects to it)
     */
    public SimulatedNodes(
            KubernetesClient client, Clock clock, List<NodeSpec> nodes, Duration heartbeat, int kubeletPort) {
        this.client = client;
        this.clock = clock;
        this.nodes = List.copyOf(nodes);
        this.nodes.forEach(n -> nodesByName.put(n.name(), n));
        this.heartbeat = heartbeat;
        this.kubeletPort = kubeletPort;
        this.beaters = Executors.newFixedThreadPool(Math.max(4, Math.min(32, nodes.size() / 8)), r -> {
            Thread t = new Thread(r, "sandbox-node-beat");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether the node is down (a node-loss fault), not reporting until it recovers. */
    public boolean isDown(String name) {
        return downNodes.contains(name);
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

    /** Registers every node (Ready, with its Lease) and starts the heartbeat. */
    public void start() {
        for (NodeSpec spec : nodes) {
            register(spec);
        }
        executor.scheduleWithFixedDelay(
                this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The node of this name, when it is one of ours. */
    public Optional<NodeSpec> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(nodesByName.get(name));
    }

    public List<NodeSpec> nodes() {
        return nodes;
    }

    /** The node stops reporting: NotReady (status Unknown) and unschedulable until {@link #recover}. */
    public void goDown(NodeSpec node) {
        downNodes.add(node.name());
        writeNodeStatus(node, false);
    }

    /** The node reports Ready again and takes pods. */
    public void recover(NodeSpec node) {
        downNodes.remove(node.name());
        writeNodeStatus(node, true);
    }

    private Instant now() {
        return clock.instant();
    }

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
                .withStatus(new NodeStatusBuilder()
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
        // One request per renewal, as a kubelet updates the Lease it holds; created when it does not exist yet.
        try {
            client.leases()
                    .inNamespace(LEASE_NAMESPACE)
                    .withName(spec.name())
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"holderIdentity\":\"" + spec.name() + "\",\"renewTime\":\""
                                    + now.format(java.time.format.DateTimeFormatter.ofPattern(
                                            "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"))
                                    + "\"}}");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            client.leases().inNamespace(LEASE_NAMESPACE).resource(lease).create();
        }
    }

    private void heartbeat() {
        int beat = ++beats;
        List<java.util.concurrent.Future<?>> beating = new ArrayList<>();
        for (NodeSpec spec : nodes) {
            beating.add(beaters.submit(() -> {
                if (executor.isShutdown()) {
                    return; // closing: the client may be closed already
                }
                try {
                    renewLease(spec);
                    if (beat % 4 == 0 && !downNodes.contains(spec.name())) {
                        writeNodeStatus(spec, true); // as a kubelet reports status at least every few renewals
                    }
                } catch (RuntimeException e) {
                    LOG.warn("heartbeat of {} failed: {}", spec.name(), e.getMessage());
                }
            }));
        }
        for (var future : beating) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                // logged by the beat
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

    @Override
    public void close() {
        executor.shutdownNow();
        beaters.shutdownNow();
    }
}
