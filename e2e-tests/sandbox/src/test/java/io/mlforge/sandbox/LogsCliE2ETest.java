package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.api.v1alpha1.TrainingPhase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl mlforge logs}: the packaged CLI (operator/cli/target/kubectl-mlforge.jar) run as a process against
 * the sandbox's API server, the emulator's CloudWatch Logs (backend SageMaker) and the simulated pods' logs (backend
 * Kubernetes).
 */
class LogsCliE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static Sandbox sandbox;
    private static SandboxTrainingJobs jobs;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(
                new Sandbox.Options(REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-logs"), 2, 8, 0.2, 0, true));
        jobs = new SandboxTrainingJobs(sandbox);
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static Process start(String... args) throws IOException {
        return new KubectlMlforge(sandbox).start(args);
    }

    private static KubectlMlforge.Result finish(Process process) throws Exception {
        return KubectlMlforge.finish(process);
    }

    private static KubectlMlforge.Result cli(String... args) throws Exception {
        return new KubectlMlforge(sandbox).run(args);
    }

    @Test
    void printsEveryInstancesLinesOfAFinishedSageMakerJobFromCloudWatchLogs() throws Exception {
        jobs.apply(SandboxTrainingJobs.sageMaker("logs-done", 2, 6));
        jobs.awaitPhase("logs-done", TrainingPhase.Completed);
        long filterCallsBefore = sandbox.sagemaker().requestCounts().getOrDefault("FilterLogEvents", 0L);

        KubectlMlforge.Result result = cli("logs", "logs-done");

        assertThat(result.exit()).as(result.err()).isZero();
        for (String host : List.of("algo-1", "algo-2")) {
            assertThat(result.out())
                    .filteredOn(l -> l.startsWith("[" + host + "] "))
                    .hasSize(1 + 6 + 1)
                    .first()
                    .asString()
                    .contains("Invoking training on " + host + " of 2");
            assertThat(result.out()).contains("[" + host + "] Training complete; saving the model to /opt/ml/model");
        }
        assertThat(result.out())
                .filteredOn(l -> l.startsWith("[algo-1] epoch="))
                .extracting(l -> l.split(" ")[1])
                .containsExactly("epoch=1", "epoch=2", "epoch=3", "epoch=4", "epoch=5", "epoch=6");
        assertThat(sandbox.sagemaker().requestCounts().get("FilterLogEvents") - filterCallsBefore)
                .as("one call: one page")
                .isEqualTo(1);
    }

    @Test
    void followPrintsNewLinesOnceEachUntilTheAttemptEnds() throws Exception {
        jobs.apply(SandboxTrainingJobs.sageMaker("logs-follow", 1, 40));
        jobs.awaitPhase("logs-follow", TrainingPhase.Running);
        Process follow = start("logs", "logs-follow", "--follow", "--poll-interval", "1s");
        KubectlMlforge.Result result = finish(follow);
        assertThat(jobs.phase("logs-follow"))
                .as("the command returned when the attempt ended")
                .isEqualTo(TrainingPhase.Completed);
        assertThat(result.exit()).as(result.err()).isZero();
        List<String> epochs = result.out().stream()
                .filter(l -> l.startsWith("[algo-1] epoch="))
                .map(l -> l.split(" ")[1])
                .toList();
        assertThat(epochs).as("every epoch exactly once, in order").hasSize(40).doesNotHaveDuplicates();
        assertThat(epochs.get(0)).isEqualTo("epoch=1");
        assertThat(epochs.get(39)).isEqualTo("epoch=40");
        assertThat(result.out()).last().isEqualTo("[algo-1] Training complete; saving the model to /opt/ml/model");
    }

    @Test
    void printsThePodsLogsOfAnInClusterJob() throws Exception {
        sandbox.apply(REPO.resolve("config/samples/trainingjob-sandbox-trainer.yaml"));
        jobs.awaitPhase("sandbox-branin", TrainingPhase.Completed);
        KubectlMlforge.Result result = cli("logs", "trainingjob/sandbox-branin", "-n", "default");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).anyMatch(l -> l.matches("\\[sandbox-branin-[0-9a-f]+-1-0\\] .*epoch=12 .*"));
    }

    @Test
    void unknownJobsAndAttemptsAreClearErrors() throws Exception {
        KubectlMlforge.Result missing = cli("logs", "no-such-job");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("error: TrainingJob default/no-such-job not found");
        jobs.apply(SandboxTrainingJobs.sageMaker("logs-attempts", 1, 2));
        jobs.awaitPhase("logs-attempts", TrainingPhase.Completed);
        KubectlMlforge.Result noAttempt = cli("logs", "logs-attempts", "--attempt", "3");
        assertThat(noAttempt.exit()).isEqualTo(1);
        assertThat(noAttempt.err()).contains("TrainingJob logs-attempts has no attempt 3 (attempts 1 to 1)");
    }
}
