package io.mlforge.sandbox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.controlplane.ControlPlane;
import io.mlforge.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control plane failing under a running operator: kube-apiserver SIGKILLed and restarted, etcd SIGKILLed and
 * restarted, and kube-apiserver held down for {@code reliability.outageSeconds} (60) while work is in flight. The
 * operator process must live through all of it (no crash, no restart), report not ready while it cannot watch and
 * ready again after, and everything must converge with nothing duplicated, lost or left behind.
 */
class ControlPlaneFaultE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final long SEED = Long.getLong("reliability.seed", 14);
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("reliability.outageSeconds", 60));
    private static final Duration CONVERGENCE = Duration.ofMinutes(4);
    /** The operator's mlforge.health.watch-loss-limit here: above the outage, below the long outage. */
    private static final Duration WATCH_LOSS_LIMIT = OUTAGE.plusSeconds(30);

    private static final Duration LONG_OUTAGE = WATCH_LOSS_LIMIT.plusSeconds(60);

    private static Sandbox sandbox;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(new Sandbox.Options(
                REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-control-plane-faults"), 8, 4, 0.2, 0, false));
        sandbox.operatorEnvironment().put("MLFORGE_HEALTH_WATCH_LOSS_LIMIT", WATCH_LOSS_LIMIT.toSeconds() + "s");
        sandbox.startOperator();
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static boolean operatorReady() {
        io.mlforge.sandbox.OperatorProcess operator = sandbox.operator();
        return operator != null && operator.ready();
    }

    /** Samples readiness every 500 ms for {@code duration}; returns ms until it first read not ready, or -1. */
    private long firstNotReadyWithin(Duration duration) throws InterruptedException {
        Instant start = Instant.now();
        long first = -1;
        while (Duration.between(start, Instant.now()).compareTo(duration) < 0) {
            if (first < 0 && !operatorReady()) {
                first = Duration.between(start, Instant.now()).toMillis();
            }
            Thread.sleep(500);
        }
        return first;
    }

    private long readyAgainWithin(Duration limit) throws InterruptedException {
        Instant start = Instant.now();
        while (Duration.between(start, Instant.now()).compareTo(limit) < 0) {
            if (operatorReady()) {
                return Duration.between(start, Instant.now()).toMillis();
            }
            Thread.sleep(250);
        }
        return -1;
    }

    @Test
    void theOperatorRidesOutApiServerAndEtcdRestartsAndAnApiServerOutageWithNothingLostOrDuplicated() throws Exception {
        ControlPlane controlPlane = sandbox.controlPlane();
        MixedWorkload workload = new MixedWorkload(sandbox, SEED + 1);
        WorkloadAudit audit = new WorkloadAudit(sandbox.client(), workload);
        long operatorPid = sandbox.operator().pid();
        Map<String, Object> figures = new LinkedHashMap<>();
        List<String> notConverged = new ArrayList<>();

        // 1. kube-apiserver SIGKILLed and started again at once, with work in flight
        workload.act();
        workload.act();
        Thread.sleep(1500);
        Instant killed = Instant.now();
        controlPlane.kill("kube-apiserver");
        controlPlane.restart("kube-apiserver");
        figures.put("apiserver_restart_seconds", seconds(killed));
        figures.put("apiserver_restart_operator_ready_again_ms", readyAgainWithin(Duration.ofSeconds(120)));
        Instant restarted = Instant.now();
        notConverged.addAll(audit.awaitConverged(CONVERGENCE));
        figures.put("apiserver_restart_converged_seconds", seconds(restarted));

        // 2. etcd SIGKILLed, down 5 s, started again on its data
        workload.act();
        workload.act();
        Thread.sleep(1500);
        killed = Instant.now();
        controlPlane.kill("etcd");
        Thread.sleep(5000);
        controlPlane.restart("etcd");
        figures.put("etcd_restart_seconds", seconds(killed));
        figures.put("etcd_restart_operator_ready_again_ms", readyAgainWithin(Duration.ofSeconds(120)));
        restarted = Instant.now();
        notConverged.addAll(audit.awaitConverged(CONVERGENCE));
        figures.put("etcd_restart_converged_seconds", seconds(restarted));

        // 3. kube-apiserver down for the outage, then back
        workload.act();
        workload.act();
        Thread.sleep(1500);
        controlPlane.kill("kube-apiserver");
        long notReadyAfter = firstNotReadyWithin(OUTAGE);
        assertThat(sandbox.operator().pid()).isEqualTo(operatorPid);
        boolean aliveThroughOutage =
                ProcessHandle.of(operatorPid).map(ProcessHandle::isAlive).orElse(false);
        controlPlane.restart("kube-apiserver");
        long readyAgain = readyAgainWithin(Duration.ofSeconds(120));
        restarted = Instant.now();
        notConverged.addAll(audit.awaitConverged(CONVERGENCE));
        figures.put("outage_seconds", OUTAGE.toSeconds());
        figures.put("outage_operator_not_ready_after_ms", notReadyAfter);
        figures.put("outage_operator_ready_again_ms", readyAgain);
        figures.put("outage_converged_seconds", seconds(restarted));

        int restartsAfterShortOutages = sandbox.livenessRestarts();

        // 4. kube-apiserver down longer than the watch-loss limit: the liveness probe fails and the operator process is
        // restarted (here by the sandbox, as the kubelet does with the chart's livenessProbe), then converges
        workload.act();
        Thread.sleep(1500);
        Instant down = Instant.now(); // before the kill, which returns once the process is gone
        controlPlane.kill("kube-apiserver");
        long notLiveAfter = -1;
        while (Duration.between(down, Instant.now()).compareTo(LONG_OUTAGE) < 0) {
            OperatorProcessProbe probe = OperatorProcessProbe.of(sandbox);
            if (notLiveAfter < 0 && probe == OperatorProcessProbe.NOT_LIVE) {
                notLiveAfter = Duration.between(down, Instant.now()).toMillis();
            }
            Thread.sleep(1000);
        }
        controlPlane.restart("kube-apiserver");
        restarted = Instant.now();
        notConverged.addAll(audit.awaitConverged(CONVERGENCE));
        figures.put("long_outage_seconds", LONG_OUTAGE.toSeconds());
        figures.put("watch_loss_limit_seconds", WATCH_LOSS_LIMIT.toSeconds());
        figures.put("long_outage_operator_not_live_after_ms", notLiveAfter);
        figures.put("long_outage_converged_seconds", seconds(restarted));

        Verdict verdict = Verdict.of(sandbox, audit);
        figures.put("actions", workload.actions());
        figures.put("operator_liveness_restarts_short_outages", restartsAfterShortOutages);
        figures.put("operator_liveness_restarts", sandbox.livenessRestarts());
        figures.put("not_converged", notConverged.size());
        verdict.addTo(figures);
        Verdict.write(REPO, "control-plane-faults", figures);

        assertThat(aliveThroughOutage)
                .as("the operator process lived through the outage")
                .isTrue();
        assertThat(restartsAfterShortOutages)
                .as("an outage shorter than mlforge.health.watch-loss-limit never fails the liveness probe")
                .isZero();
        assertThat(notLiveAfter)
                .as("not live once the informers were unwatched longer than the limit (ms after the kill)")
                .isGreaterThan(WATCH_LOSS_LIMIT.toMillis() - 1000) // the loss is seen within 1 s of the kill
                .isLessThan(LONG_OUTAGE.toMillis());
        assertThat(sandbox.livenessRestarts())
                .as("the failed liveness probe restarted the operator")
                .isGreaterThanOrEqualTo(1);
        assertThat(notReadyAfter)
                .as("readiness reports the outage (first not-ready sample, ms after the kill)")
                .isBetween(0L, 30_000L);
        assertThat(readyAgain).as("ready again after the API server returned").isNotNegative();
        assertThat(notConverged).as("not converged after a fault").isEmpty();
        verdict.assertClean();
    }

    /** What a liveness probe of the current operator process answers; NONE while the sandbox restarts it. */
    private enum OperatorProcessProbe {
        LIVE,
        NOT_LIVE,
        NONE;

        static OperatorProcessProbe of(Sandbox sandbox) {
            io.mlforge.sandbox.OperatorProcess operator = sandbox.operator();
            return operator == null ? NONE : operator.live() ? LIVE : NOT_LIVE;
        }
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }
}
