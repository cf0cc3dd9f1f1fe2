package io.mlforge.sandbox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
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
 * The packaged operator SIGKILLed at seeded random moments while a mixed workload (both backends of all three kinds,
 * with Endpoint updates and deletions in flight) is applied through kubectl; after every kill a new operator starts. In
 * the end everything must converge, and the emulator's request log and inventory and the API server must show nothing
 * done twice, nothing lost and nothing left behind. CI runs a few rounds; {@code -Dreliability.rounds=50} is the full
 * run (the README's reliability section), with {@code -Dreliability.seed} to replay one.
 */
class OperatorCrashE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final int ROUNDS = Integer.getInteger("reliability.rounds", 6);
    private static final long SEED = Long.getLong("reliability.seed", 14);
    private static final Duration CONVERGENCE = Duration.ofMinutes(Math.max(4, ROUNDS / 5));

    private static Sandbox sandbox;
    private static KubernetesClient client;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(new Sandbox.Options(
                REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-operator-crashes"), 8, 4, 0.2, 0, true));
        client = sandbox.client();
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void aMixedWorkloadConvergesAfterEveryKillWithNothingDuplicatedLostOrOrphaned() throws Exception {
        MixedWorkload workload = new MixedWorkload(sandbox, SEED);
        List<Long> readyMillis = new ArrayList<>();
        int actedWhileDown = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            List<String> done = new ArrayList<>(workload.act());
            long killAfter = workload.random().nextInt(3000);
            Thread.sleep(killAfter);
            sandbox.killOperator();
            if (workload.random().nextInt(3) == 0) {
                done.addAll(workload.act());
                actedWhileDown++;
            }
            Instant restart = Instant.now();
            sandbox.startOperator();
            readyMillis.add(Duration.between(restart, Instant.now()).toMillis());
            System.out.printf("round %d: %s; killed after %d ms%n", round, done, killAfter);
        }

        WorkloadAudit audit = new WorkloadAudit(client, workload);
        Instant lastStart = Instant.now();
        List<String> pending = audit.awaitConverged(CONVERGENCE);
        Duration convergence = Duration.between(lastStart, Instant.now());

        SageMakerLedger ledger = new SageMakerLedger(sandbox.sagemaker());
        Verdict verdict = Verdict.of(sandbox, audit);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("seed", SEED);
        figures.put("rounds", ROUNDS);
        figures.put("operator_kills", ROUNDS);
        figures.put("rounds_with_changes_while_down", actedWhileDown);
        figures.put("actions", workload.actions());
        figures.put("resources_live_at_end", workload.live().size());
        figures.put("resources_deleted", workload.deleted().size());
        figures.put("restart_to_ready_p50_ms", percentile(readyMillis, 0.5));
        figures.put("restart_to_ready_max_ms", percentile(readyMillis, 1.0));
        figures.put("convergence_after_last_restart_seconds", convergence.toMillis() / 1000.0);
        figures.put("sagemaker_training_jobs_created", ledger.created("CreateTrainingJob"));
        figures.put("sagemaker_tuning_jobs_created", ledger.created("CreateHyperParameterTuningJob"));
        figures.put("sagemaker_endpoints_created", ledger.created("CreateEndpoint"));
        figures.put("sagemaker_endpoint_configs_created", ledger.created("CreateEndpointConfig"));
        figures.put("sagemaker_models_created", ledger.created("CreateModel"));
        figures.put("not_converged", pending.size());
        verdict.addTo(figures);
        Verdict.write(REPO, "operator-crashes-" + ROUNDS, figures);

        assertThat(pending)
                .as("not converged %s after the last restart", convergence)
                .isEmpty();
        verdict.assertClean();
        assertThat(workload.deleted()).as("the workload deleted something").isNotEmpty();
    }

    private static long percentile(List<Long> values, double q) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }
}
