package io.mlforge.sandbox.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.mlforge.controlplane.OperatorIdentity;
import io.mlforge.sandbox.OperatorProcess;
import io.mlforge.sandbox.Sandbox;
import io.mlforge.sandbox.netns.NetworkNamespace;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged operator with leader election (the chart's Lease, its default timing: 15 s lease, 10
 * s renew deadline, 2 s retry), each with its own identity (HOSTNAME, as a pod's name) and its own AWS access key,
 * which the SageMaker emulator records with every call, as CloudTrail does. A mixed workload runs on both backends
 * while:
 *
 * <ol>
 *   <li>the leader is SIGKILLed: the standby takes the lease within the lease duration of the leader's last renewal
 *       and finishes the work;
 *   <li>the leader, running in a network namespace of its own, is cut off from the API server (it still reaches
 *       SageMaker, the dangerous case): it gives up when it cannot renew, the other replica takes over, and from the
 *       moment the other holds the lease the cut-off replica makes no SageMaker call that changes anything.
 * </ol>
 *
 * In the end everything converges, and the emulator's request log and the API server show no duplicate, no orphan
 * and nothing lost.
 */
class LeaderFailoverE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final String LEASE = "mlforge-operator-leader";
    private static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    private static final Duration RETRY_PERIOD = Duration.ofSeconds(2);
    /**
     * The lease expires 15 s after the last renewal; the standby tries every retry period with up to 1.2 times that
     * again of jitter (fabric8's leader elector), and this test polls the Lease: 1 s of slack for a busy machine.
     */
    private static final Duration TAKEOVER_BOUND =
            LEASE_DURATION.plus(RETRY_PERIOD.multipliedBy(22).dividedBy(10)).plusSeconds(1);

    private static final Duration CONVERGENCE = Duration.ofMinutes(4);
    private static final long SEED = Long.getLong("reliability.seed", 14);

    private static Sandbox sandbox;
    private final List<OperatorProcess> replicas = new ArrayList<>();

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(new Sandbox.Options(
                REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-leader-failover"), 8, 4, 0.2, 0, false));
        sandbox.enableLeaderElection(LEASE); // as a user running two replicas
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** A replica's identity and fake access key (distinct per replica, so the emulator's log tells them apart). */
    private static Map<String, String> identity(String name) {
        String key = ("AKIAMLFORGE" + name.toUpperCase() + "0000000000").substring(0, 20);
        return Map.of(
                "HOSTNAME", name,
                "AWS_ACCESS_KEY_ID", key,
                "AWS_SECRET_ACCESS_KEY", "fakeReplicaSecret/" + name + "/notReal0123456789");
    }

    private static String accessKey(String name) {
        return identity(name).get("AWS_ACCESS_KEY_ID");
    }

    private OperatorProcess replica(String name, NetworkNamespace network) throws Exception {
        OperatorProcess replica = sandbox.startReplica(name, identity(name), network);
        replicas.add(replica);
        return replica;
    }

    private static Lease lease() {
        return sandbox.client()
                .leases()
                .inNamespace(OperatorIdentity.NAMESPACE)
                .withName(LEASE)
                .get();
    }

    private static String holder() {
        Lease lease = lease();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static Instant awaitHolder(String name, Duration limit) {
        await(name + " holds the lease")
                .atMost(limit)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> name.equals(holder()));
        return Instant.now();
    }

    private static Instant renewTime(Lease lease) {
        ZonedDateTime renew = lease.getSpec().getRenewTime();
        return renew.toInstant();
    }

    /** SageMaker calls signed with {@code name}'s key at or after {@code from}: all of them, and those that change something. */
    private static List<JsonNode> sageMakerCalls(String name, Instant from, boolean changingOnly) {
        return sandbox.sagemaker().requestLog().stream()
                .filter(r -> accessKey(name).equals(r.path("accessKeyId").asText()))
                .filter(r -> !Instant.parse(r.path("time").asText()).isBefore(from))
                .filter(r -> !changingOnly || !r.path("operation").asText().matches("(Describe|List|Get|Search).*"))
                .toList();
    }

    private static int freePort() throws Exception {
        return io.mlforge.controlplane.LoopbackPorts.free();
    }

    @Test
    void theStandbyTakesOverFromAKilledOrCutOffLeaderAndNoWorkIsDoneTwice() throws Exception {
        MixedWorkload workload = new MixedWorkload(sandbox, SEED + 2);
        WorkloadAudit audit = new WorkloadAudit(sandbox.client(), workload);
        Map<String, Object> figures = new LinkedHashMap<>();
        List<String> notConverged = new ArrayList<>();
        try {
            // 1. the leader SIGKILLed mid-run
            OperatorProcess a = replica("replica-a", null);
            awaitHolder("replica-a", Duration.ofSeconds(60));
            OperatorProcess b = replica("replica-b", null);
            for (int i = 0; i < 4; i++) {
                workload.act();
            }
            Thread.sleep(workload.random().nextInt(3000));
            a.kill();
            Instant killed = Instant.now();
            Instant lastRenewal = renewTime(lease()); // read after the kill: the last renewal there will be
            Instant tookOver = awaitHolder("replica-b", LEASE_DURATION.plusSeconds(30));
            Duration takeover = Duration.between(killed, tookOver);
            Duration sinceRenewal = Duration.between(lastRenewal, tookOver);
            figures.put("kill_takeover_after_kill_seconds", takeover.toMillis() / 1000.0);
            figures.put("kill_takeover_after_last_renewal_seconds", sinceRenewal.toMillis() / 1000.0);
            assertThat(sinceRenewal)
                    .as("the standby takes over once the lease has expired, at its next try")
                    .isLessThanOrEqualTo(TAKEOVER_BOUND);
            workload.act();
            notConverged.addAll(audit.awaitConverged(CONVERGENCE));

            // 2. the leader cut off from the API server: replica-c runs in a network namespace of its own, leads
            // once replica-b is stopped, and replica-d stands by on the host
            Assumptions.assumeTrue(NetworkNamespace.available(), "needs root for ip netns");
            int apiPort = sandbox.controlPlane().apiPort();
            int sageMakerPort = URI.create(sandbox.sagemaker().endpoint()).getPort();
            try (NetworkNamespace network = NetworkNamespace.create(
                    "mlforge-replica-c",
                    sandbox.operatorLog().getParent(),
                    List.of(apiPort, sageMakerPort),
                    List.of(freePort()))) {
                OperatorProcess c = replica("replica-c", network);
                replicas.remove(b);
                b.close(); // replica-b shuts down and hands the lease over
                awaitHolder("replica-c", LEASE_DURATION.plusSeconds(30));
                replica("replica-d", null);
                for (int i = 0; i < 4; i++) {
                    workload.act();
                }
                Thread.sleep(workload.random().nextInt(3000));
                network.cut(apiPort);
                Instant cut = Instant.now();
                lastRenewal = renewTime(lease());
                tookOver = awaitHolder("replica-d", LEASE_DURATION.plusSeconds(30));
                sinceRenewal = Duration.between(lastRenewal, tookOver);
                figures.put(
                        "partition_takeover_after_cut_seconds",
                        Duration.between(cut, tookOver).toMillis() / 1000.0);
                figures.put("partition_takeover_after_last_renewal_seconds", sinceRenewal.toMillis() / 1000.0);
                assertThat(sinceRenewal).isLessThanOrEqualTo(TAKEOVER_BOUND);
                workload.act();
                notConverged.addAll(audit.awaitConverged(CONVERGENCE));
                // the cut-off replica gave up the lease it could not renew and exited (to restart as a standby)
                Instant exited = Instant.now();
                await("replica-c exits")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> !ProcessHandle.of(c.pid())
                                .map(ProcessHandle::isAlive)
                                .orElse(false));
                figures.put(
                        "partition_cut_off_replica_exited_after_cut_seconds",
                        Math.max(0, Duration.between(cut, exited).toMillis()) / 1000.0);
                List<JsonNode> changing = sageMakerCalls("replica-c", tookOver, true);
                figures.put(
                        "partition_cut_off_replica_sagemaker_calls_after_takeover",
                        sageMakerCalls("replica-c", tookOver, false).size());
                figures.put("partition_cut_off_replica_changing_calls_after_takeover", changing.size());
                figures.put(
                        "partition_new_leader_sagemaker_calls_after_takeover",
                        sageMakerCalls("replica-d", tookOver, false).size());
                assertThat(changing)
                        .as("SageMaker calls that change something, by the replica that lost the lease, after"
                                + " the other took it")
                        .isEmpty();
            }
        } finally {
            for (OperatorProcess replica : replicas) {
                replica.close();
            }
        }

        Verdict verdict = Verdict.of(sandbox, audit);
        figures.put("resources", workload.live().size() + workload.deleted().size());
        figures.put("not_converged", notConverged.size());
        verdict.addTo(figures);
        Verdict.write(REPO, "leader-failover", figures);

        assertThat(notConverged).as("not converged").isEmpty();
        verdict.assertClean();
    }
}
