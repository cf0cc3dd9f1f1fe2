package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.sagemaker.emulator.SageMakerEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backend SageMaker under failure, end to end: the packaged operator (a process) against the sandbox's API server
 * and the SageMaker emulator, both over HTTP; assertions on the emulator's request log.
 */
class SageMakerTrainingE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static Sandbox sandbox;
    private static KubernetesClient client;
    private static SandboxTrainingJobs jobs;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(
                new Sandbox.Options(REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-sagemaker"), 1, 1, 0.2, 0, true));
        client = sandbox.client();
        jobs = new SandboxTrainingJobs(sandbox);
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static List<JsonNode> requests(String operation, String jobName) {
        return sandbox.sagemaker().requestLog().stream()
                .filter(r -> operation.equals(r.path("operation").asText()))
                .filter(r -> jobName == null
                        || jobName.equals(r.at("/request/TrainingJobName").asText()))
                .toList();
    }

    @Test
    void anOperatorKilledBetweenCreateAndItsStatusWriteAdoptsTheJobInsteadOfCreatingASecondEvenIfItEndedMeanwhile()
            throws Exception {
        SageMakerEmulator emulator = sandbox.sagemaker();
        String name;
        emulator.setResponseDelay("CreateTrainingJob", Duration.ofSeconds(60));
        try {
            jobs.apply(SandboxTrainingJobs.sageMaker("crash-between", 1, 5));
            // The intent (attempt 1 and its SageMaker job name) is in status before CreateTrainingJob is sent.
            TrainingJobStatus intent = jobs.awaitStatus(
                    "crash-between", "intent recorded", s -> s.attempts != null && !s.attempts.isEmpty());
            name = intent.attempts.get(0).backendName;
            await("CreateTrainingJob received")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !requests("CreateTrainingJob", name).isEmpty());
            // SageMaker created the job; the operator has not heard back, so its status cannot say so.
            assertThat(requests("CreateTrainingJob", name))
                    .singleElement()
                    .satisfies(r -> assertThat(r.path("status").asInt()).isEqualTo(200));
            TrainingJobStatus recorded = jobs.status("crash-between");
            assertThat(recorded.sagemaker.trainingJobName).isEqualTo(name);
            assertThat(recorded.sagemaker.trainingJobArn).isNull();
            sandbox.killOperator();
        } finally {
            emulator.setResponseDelay("CreateTrainingJob", Duration.ZERO);
        }
        // While no operator runs, the job finishes: the adopting operator must notice, although SageMaker's list of
        // changes will never mention the job again.
        String finished = name;
        emulator.finishTrainingAt(finished, java.time.Instant.now());
        await("the job ends on SageMaker")
                .atMost(Duration.ofSeconds(60))
                .until(() -> emulator.trainingJobEnd(finished).isPresent());
        sandbox.startOperator();

        TrainingJobStatus done =
                jobs.awaitStatus("crash-between", "Completed", s -> s.phase == TrainingPhase.Completed);
        assertThat(done.attempts).hasSize(1);
        assertThat(requests("CreateTrainingJob", name))
                .as("the restarted operator's create was answered ResourceInUse and adopted")
                .extracting(
                        r -> r.path("status").asInt() + " " + r.path("error").asText())
                .containsExactly("200 ", "400 ResourceInUse");
        assertThat(requests("CreateTrainingJob", null).stream()
                        .filter(r -> r.at("/request/TrainingJobName").asText().startsWith("crash-between-")))
                .as("no other job for this resource")
                .hasSize(2);
        // Events are sent off the reconcile path: the status can be there a moment before its Event
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(client.v1().events().inNamespace("default").list().getItems().stream()
                                .filter(e -> "crash-between"
                                        .equals(e.getInvolvedObject().getName()))
                                .map(Event::getReason))
                        .contains("AttemptAdopted"));
    }

    @Test
    void twoHundredJobsAllFinishWhileThirtyPercentOfSageMakerCallsAreThrottled() {
        SageMakerEmulator emulator = sandbox.sagemaker();
        long throttledBefore = sandbox.sagemaker().requestLog().stream()
                .filter(r -> "ThrottlingException".equals(r.path("error").asText()))
                .count();
        List<String> names = IntStream.range(0, 200)
                .mapToObj(i -> String.format("throttled-%03d", i))
                .toList();
        emulator.setFaults(new SageMakerEmulator.Faults(0.3, 0, Duration.ZERO));
        try {
            names.forEach(n -> jobs.apply(SandboxTrainingJobs.sageMaker(n, 1, 3)));
            await("200 jobs Completed")
                    .atMost(Duration.ofMinutes(6))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> client.resources(TrainingJob.class).inNamespace("default").list().getItems().stream()
                                    .filter(j -> j.getMetadata().getName().startsWith("throttled-"))
                                    .filter(j ->
                                            j.getStatus() != null && j.getStatus().phase == TrainingPhase.Completed)
                                    .count()
                            == names.size());
        } finally {
            emulator.setFaults(SageMakerEmulator.Faults.NONE);
        }
        long throttled = emulator.requestLog().stream()
                        .filter(r ->
                                "ThrottlingException".equals(r.path("error").asText()))
                        .count()
                - throttledBefore;
        assertThat(throttled).as("the emulator throttled calls").isGreaterThan(100);
        Set<String> withThrottledCondition = names.stream()
                .filter(n -> jobs.status(n).conditions.stream().anyMatch(c -> Condition.THROTTLED.equals(c.type)))
                .collect(Collectors.toSet());
        assertThat(withThrottledCondition)
                .as("jobs that reported Throttled while backing off")
                .isNotEmpty();
        for (String n : names) {
            TrainingJobStatus s = jobs.status(n);
            assertThat(s.attempts).as(n + ": one attempt").hasSize(1);
            assertThat(s.conditions)
                    .as(n + ": Throttled is over")
                    .noneMatch(c -> Condition.THROTTLED.equals(c.type) && c.status == ConditionStatus.True);
        }
        List<JsonNode> creates = requests("CreateTrainingJob", null).stream()
                .filter(r -> r.at("/request/TrainingJobName").asText().startsWith("throttled-")
                        && r.path("status").asInt() == 200)
                .toList();
        assertThat(creates).as("exactly one SageMaker job per TrainingJob").hasSize(200);
        System.out.printf(
                "throttling e2e: %d calls throttled, %d of 200 jobs reported Throttled%n",
                throttled, withThrottledCondition.size());
    }
}
