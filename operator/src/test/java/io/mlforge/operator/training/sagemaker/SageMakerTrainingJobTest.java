package io.mlforge.operator.training.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.operator.aws.CreateTrainingJobMapping;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.support.MlforgeCrdsSetup;
import io.mlforge.operator.support.SageMakerEmulatorResource;
import io.mlforge.operator.support.SageMakerProfile;
import io.mlforge.operator.training.TrainingJobs;
import io.mlforge.sagemaker.emulator.SageMakerEmulator;
import io.mlforge.sagemaker.emulator.SyntheticTrainer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;

/**
 * The TrainingJob controller with backend SageMaker: the operator against fabric8's mock API server and the
 * SageMaker emulator, both over HTTP. Every SageMaker call goes through the AWS SDK.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MlforgeCrdsSetup.class)
@TestProfile(SageMakerProfile.class)
class SageMakerTrainingJobTest {
    static final String NS = "ml";
    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    KubernetesClient client;

    SageMakerClient sagemaker;

    @BeforeEach
    void sdk() {
        sagemaker = SageMakerClient.builder()
                .region(Region.US_EAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(URI.create(SageMakerEmulatorResource.emulator.endpoint()))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("sandbox", "sandbox-secret")))
                .build();
    }

    @AfterEach
    void close() {
        sagemaker.close();
    }

    private static String spec(String extra) {
        return """
                backend: SageMaker
                image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
                hyperParameters: {num_round: "10", objective: "multi:softmax", num_class: "4", eval_metric: mlogloss}
                resources: {instanceType: ml.m5.xlarge, instanceCount: 1, volumeSizeGB: 5}
                inputs:
                  - {name: train, uri: "s3://mlforge-examples/xgboost/train/", contentType: text/csv}
                output: {uri: "s3://mlforge-examples/xgboost/output/"}
                metrics: [{name: "validation:accuracy", regex: "val_acc=([0-9.]+)"}]
                """ + extra;
    }

    /** A run of the emulator's synthetic trainer that lasts 100 s: long enough to stop or delete it while it trains. */
    private static String longSpec(String extra) {
        return spec(extra)
                .replace("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", SyntheticTrainer.IMAGE)
                .replace(
                        "{num_round: \"10\", objective: \"multi:softmax\", num_class: \"4\", eval_metric: mlogloss}",
                        "{epochs: \"200\"}");
    }

    private static String sagemakerSettings(String tags) {
        return "sagemaker: {roleArn: \"arn:aws:iam::123456789012:role/SageMakerExecutionRole\"" + tags + "}\n";
    }

    private TrainingJob create(String name, String spec) {
        return client.resources(TrainingJob.class)
                .inNamespace(NS)
                .resource(TrainingJobs.manifest(name, spec))
                .create();
    }

    private TrainingJob job(String name) {
        return client.resources(TrainingJob.class)
                .inNamespace(NS)
                .withName(name)
                .get();
    }

    private TrainingJobStatus awaitStatus(String name, String what, Predicate<TrainingJobStatus> condition) {
        await(what).atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            TrainingJob job = job(name);
            return job != null && job.getStatus() != null && condition.test(job.getStatus());
        });
        return job(name).getStatus();
    }

    private DescribeTrainingJobResponse describe(String jobName) {
        return sagemaker.describeTrainingJob(r -> r.trainingJobName(jobName));
    }

    private List<String> eventReasons(String job) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> job.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    private long calls(String operation) {
        return SageMakerEmulatorResource.emulator.requestCounts().getOrDefault(operation, 0L);
    }

    @Test
    void runsOneSageMakerJobToCompletionAndReportsItsResults() {
        long createsBefore = calls("CreateTrainingJob");
        create("xgb-complete", spec(sagemakerSettings("")));
        TrainingJobStatus running = awaitStatus("xgb-complete", "running", s -> s.phase == TrainingPhase.Running);
        assertThat(running.sagemaker.trainingJobStatus).isEqualTo("InProgress");
        assertThat(running.sagemaker.secondaryStatus).isEqualTo("Training");

        TrainingJobStatus done = awaitStatus("xgb-complete", "completed", s -> s.phase == TrainingPhase.Completed);
        String name = done.attempts.get(0).backendName;
        assertThat(done.attempts).hasSize(1);
        assertThat(done.attempts.get(0).reason).isEqualTo("Completed");
        assertThat(done.sagemaker.trainingJobName).isEqualTo(name);
        assertThat(done.sagemaker.trainingJobArn).isEqualTo(describe(name).trainingJobArn());
        assertThat(done.sagemaker.trainingJobStatus).isEqualTo("Completed");
        assertThat(done.sagemaker.region).isEqualTo("us-east-1");
        assertThat(done.modelArtifacts)
                .isEqualTo("s3://mlforge-examples/xgboost/output/" + name + "/output/model.tar.gz");
        assertThat(done.metrics).containsKey("validation:accuracy");
        assertThat(done.metrics.get("validation:accuracy"))
                .isEqualTo(describe(name).finalMetricDataList().get(0).value().doubleValue());
        assertThat(done.trainingSeconds).isPositive();
        assertThat(done.billableSeconds)
                .isEqualTo(describe(name).billableTimeInSeconds().longValue());
        assertThat(done.logs.cloudWatchLogGroup).isEqualTo("/aws/sagemaker/TrainingJobs");
        assertThat(done.logs.command)
                .contains("aws logs tail /aws/sagemaker/TrainingJobs --log-stream-name-prefix " + name + "/");
        assertThat(Conditions.isTrue(done.conditions, "Ready")).isTrue();
        assertThat(Conditions.isTrue(done.conditions, TrainingJobStatus.SUCCEEDED))
                .isTrue();
        assertThat(calls("CreateTrainingJob") - createsBefore).isEqualTo(1);
        // what the operator did and how the job ended; Pending, Starting and Running are status, not Events
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(eventReasons("xgb-complete"))
                        .containsExactlyInAnyOrder("AttemptCreated", "Completed"));
    }

    @Test
    void retriesCapacityErrorsWithNewSageMakerJobsUpToMaxAttempts() {
        create(
                "xgb-capacity",
                spec("retry: {maxAttempts: 2}\n" + sagemakerSettings(", tags: {sandbox.mlforge.io/fault: capacity}")));
        TrainingJobStatus failed = awaitStatus("xgb-capacity", "failed", s -> s.phase == TrainingPhase.Failed);
        assertThat(failed.attempts).extracting(a -> a.reason).containsExactly("CapacityError", "CapacityError");
        assertThat(failed.attempts).extracting(a -> a.cause).containsExactly("Created", "Retry");
        assertThat(failed.attempts.get(0).backendName).isNotEqualTo(failed.attempts.get(1).backendName);
        for (TrainingAttempt a : failed.attempts) {
            assertThat(describe(a.backendName).trainingJobStatusAsString()).isEqualTo("Failed");
        }
        assertThat(failed.message).contains("CapacityError").contains("2 of 2 attempts failed");
        assertThat(Conditions.isTrue(failed.conditions, TrainingJobStatus.FAILED))
                .isTrue();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(eventReasons("xgb-capacity")).contains("AttemptFailed", "Failed"));
    }

    @Test
    void spotInterruptionsThatOutlastTheMaxWaitStartANewAttempt() {
        create(
                "xgb-spot",
                spec(
                        "retry: {maxAttempts: 2}\nstopping: {maxRuntimeSeconds: 3600}\nspot: {enabled: true, maxWaitSeconds: 3600}\n"
                                + sagemakerSettings(", tags: {sandbox.mlforge.io/fault: interrupt}")));
        TrainingJobStatus failed = awaitStatus("xgb-spot", "failed", s -> s.phase == TrainingPhase.Failed);
        assertThat(failed.attempts).extracting(a -> a.reason).containsExactly("SpotInterrupted", "SpotInterrupted");
        assertThat(failed.attempts).extracting(a -> a.cause).containsExactly("Created", "Retry");
        assertThat(describe(failed.attempts.get(1).backendName).secondaryStatusAsString())
                .isEqualTo("MaxWaitTimeExceeded");
        assertThat(failed.message).contains("spot capacity").contains("2 of 2 attempts failed");
    }

    @Test
    void reapplyingAFinishedJobCreatesNoNewSageMakerJob() {
        create("xgb-reapply", spec(sagemakerSettings("")));
        TrainingJobStatus done = awaitStatus("xgb-reapply", "completed", s -> s.phase == TrainingPhase.Completed);
        long creates = calls("CreateTrainingJob");
        long describes = calls("DescribeTrainingJob");
        TrainingJob again = TrainingJobs.manifest("xgb-reapply", spec(sagemakerSettings("")));
        again.getMetadata().setNamespace(NS);
        client.resource(again).createOr(existing -> existing.update());
        await().pollDelay(Duration.ofSeconds(4)).atMost(WAIT).until(() -> true);
        assertThat(calls("CreateTrainingJob")).isEqualTo(creates);
        assertThat(job("xgb-reapply").getStatus().attempts).hasSize(1);
        assertThat(job("xgb-reapply").getStatus().phase).isEqualTo(TrainingPhase.Completed);
        // A finished job is no longer watched: re-applying it (a reconcile) describes nothing.
        assertThat(calls("DescribeTrainingJob")).isEqualTo(describes);
        assertThat(done.attempts.get(0).backendName)
                .isEqualTo(job("xgb-reapply").getStatus().attempts.get(0).backendName);
    }

    @Test
    void algorithmErrorsFailWithoutRetry() {
        create("xgb-error", spec(sagemakerSettings(", tags: {sandbox.mlforge.io/fault: fail}")));
        TrainingJobStatus failed = awaitStatus("xgb-error", "failed", s -> s.phase == TrainingPhase.Failed);
        assertThat(failed.attempts).hasSize(1);
        assertThat(failed.attempts.get(0).reason).isEqualTo("AlgorithmError");
        assertThat(failed.sagemaker.failureReason).startsWith("AlgorithmError:");
    }

    @Test
    void stopStopsTheSageMakerJob() {
        create("xgb-stop", longSpec(sagemakerSettings("")));
        String name = awaitStatus("xgb-stop", "running", s -> s.phase == TrainingPhase.Running)
                .attempts
                .get(0)
                .backendName;
        long stopsBefore = calls("StopTrainingJob");
        client.resources(TrainingJob.class).inNamespace(NS).withName("xgb-stop").edit(j -> {
            j.getSpec().stop = true;
            return j;
        });
        TrainingJobStatus stopped = awaitStatus("xgb-stop", "stopped", s -> s.phase == TrainingPhase.Stopped);
        assertThat(stopped.attempts.get(0).phase).isEqualTo(TrainingPhase.Stopped);
        assertThat(describe(name).trainingJobStatusAsString()).isEqualTo("Stopped");
        assertThat(calls("StopTrainingJob") - stopsBefore)
                .as("StopTrainingJob is called once, then the job is only watched")
                .isEqualTo(1);
    }

    @Test
    void deletionStopsTheJobByDefaultAndLeavesItRunningWithRetain() {
        create("xgb-delete", longSpec(sagemakerSettings("")));
        create("xgb-retain", longSpec("deletionPolicy: Retain\n" + sagemakerSettings("")));
        String stopped = awaitStatus("xgb-delete", "running", s -> s.phase == TrainingPhase.Running)
                .attempts
                .get(0)
                .backendName;
        String retained = awaitStatus("xgb-retain", "running", s -> s.phase == TrainingPhase.Running)
                .attempts
                .get(0)
                .backendName;
        // a SageMaker job is released before its resource goes: the finalizer is there before the job is created
        assertThat(job("xgb-delete").getMetadata().getFinalizers())
                .containsExactly("trainingjobs.mlforge.io/finalizer");

        client.resources(TrainingJob.class)
                .inNamespace(NS)
                .withName("xgb-delete")
                .delete();
        client.resources(TrainingJob.class)
                .inNamespace(NS)
                .withName("xgb-retain")
                .delete();
        await("resources gone").atMost(WAIT).until(() -> job("xgb-delete") == null && job("xgb-retain") == null);
        assertThat(describe(stopped).trainingJobStatusAsString()).isEqualTo("Stopped");
        assertThat(describe(retained).trainingJobStatusAsString()).isEqualTo("InProgress");
    }

    @Test
    void throttlingIsReportedAsAConditionAndTheJobIsCreatedOnceWhenSageMakerAnswersAgain() {
        SageMakerEmulatorResource.emulator.setFaults(new SageMakerEmulator.Faults(1.0, 0, Duration.ZERO));
        try {
            create("xgb-throttled", spec(sagemakerSettings("")));
            TrainingJobStatus throttled = awaitStatus(
                    "xgb-throttled", "Throttled", s -> Conditions.isTrue(s.conditions, Condition.THROTTLED));
            assertThat(Conditions.find(throttled.conditions, Condition.THROTTLED).reason)
                    .isEqualTo("ThrottlingException");
            assertThat(Conditions.find(throttled.conditions, Condition.THROTTLED).message)
                    .contains("Rate exceeded");
            assertThat(throttled.phase).isNotIn(TrainingPhase.Failed, TrainingPhase.Completed);
        } finally {
            SageMakerEmulatorResource.emulator.setFaults(SageMakerEmulator.Faults.NONE);
        }
        TrainingJobStatus done = awaitStatus("xgb-throttled", "completed", s -> s.phase == TrainingPhase.Completed);
        assertThat(done.attempts).hasSize(1);
        assertThat(Conditions.isTrue(done.conditions, Condition.THROTTLED)).isFalse();
        String prefix = done.attempts.get(0).backendName;
        assertThat(sagemaker
                        .listTrainingJobs(r -> r.nameContains(prefix).maxResults(100))
                        .trainingJobSummaries())
                .hasSize(1);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(eventReasons("xgb-throttled")).contains("Throttled"));
    }

    @Test
    void requestsSageMakerRejectsFailWithItsMessage() {
        // Spot with a max wait below the max run time: SageMaker answers ValidationException.
        create(
                "xgb-rejected",
                spec("stopping: {maxRuntimeSeconds: 3600}\nspot: {enabled: true, maxWaitSeconds: 600}\n"
                        + sagemakerSettings("")));
        TrainingJobStatus failed = awaitStatus("xgb-rejected", "failed", s -> s.phase == TrainingPhase.Failed);
        assertThat(failed.attempts.get(0).reason).isEqualTo("CreateRejected");
        assertThat(failed.message).contains("ValidationException").contains("MaxWaitTimeInSeconds");
        assertThat(eventReasons("xgb-rejected")).contains("CreateRejected");
    }

    @Test
    void preflightFailsAJobSageMakerWouldRejectWithoutCallingIt() {
        long creates = calls("CreateTrainingJob");
        StringBuilder tags = new StringBuilder(", tags: {");
        for (int i = 0; i < 48; i++) {
            tags.append(i == 0 ? "" : ", ").append("k").append(i).append(": v");
        }
        create("xgb-preflight", spec(sagemakerSettings(tags.append("}").toString())));
        TrainingJobStatus failed = awaitStatus("xgb-preflight", "failed", s -> s.phase == TrainingPhase.Failed);
        assertThat(failed.conditions).anySatisfy(c -> {
            assertThat(c.type).isEqualTo("Failed");
            assertThat(c.reason).isEqualTo("PreflightFailed");
        });
        assertThat(failed.message)
                .isEqualTo("SageMaker would reject this job: sagemaker.tags: 48 tags plus the operator's 4"
                        + " (mlforge.io/namespace, name, uid, attempt) exceed SageMaker's limit of 50 per job");
        assertThat(failed.attempts).isNullOrEmpty();
        assertThat(eventReasons("xgb-preflight")).contains("PreflightFailed");
        assertThat(calls("CreateTrainingJob")).as("nothing sent to SageMaker").isEqualTo(creates);
    }

    @Test
    void aStopWhoseFollowingDescribeIsThrottledIsNotSentTwice() {
        create("xgb-stop-throttled", longSpec(sagemakerSettings("")));
        TrainingJobStatus running = awaitStatus("xgb-stop-throttled", "running", s -> s.phase == TrainingPhase.Running);
        String name = running.attempts.get(0).backendName;
        SageMakerEmulatorResource.emulator.throttleNext("DescribeTrainingJob", 12);
        client.resources(TrainingJob.class)
                .inNamespace(NS)
                .withName("xgb-stop-throttled")
                .edit(j -> {
                    j.getSpec().stop = true;
                    return j;
                });
        awaitStatus("xgb-stop-throttled", "stopped", s -> s.phase == TrainingPhase.Stopped);
        assertThat(SageMakerEmulatorResource.emulator.requestLog())
                .filteredOn(r -> "StopTrainingJob".equals(r.path("operation").asText())
                        && name.equals(r.at("/request/TrainingJobName").asText()))
                .as("one StopTrainingJob, answered 200")
                .singleElement()
                .satisfies(r -> assertThat(r.path("status").asInt()).isEqualTo(200));
    }

    @Inject
    SageMakerTrainingBackend backend;

    /**
     * An operator that stopped after CreateTrainingJob went through but before it recorded so adopts the job at its
     * next create. If the job ended meanwhile, SageMaker's list of recent changes never mentions it again, so the
     * adopting reconcile itself must end the attempt (a regression: the job stayed Pending for good).
     */
    @Test
    void adoptingAJobThatEndedWhileNoOperatorRanEndsTheAttemptInTheSameReconcile() {
        TrainingJob job = TrainingJobs.fromSpec("xgb-adopt-ended", spec(sagemakerSettings("")));
        TrainingJobStatus status = new TrainingJobStatus();
        java.time.Instant now = java.time.Instant.now();
        assertThat(backend.reconcile(job, status, now, new io.mlforge.operator.core.Outcome())
                        .requeueDelay(now))
                .as("intent recorded, then create")
                .isPresent();
        String name = status.attempts.get(0).backendName;
        // The create that went through for the operator that stopped before hearing back, then the job's end.
        sagemaker.createTrainingJob(CreateTrainingJobMapping.request(job, name, 1));
        SageMakerEmulatorResource.emulator.finishTrainingAt(name, java.time.Instant.now());
        await("the job ends on SageMaker")
                .atMost(WAIT)
                .until(() ->
                        SageMakerEmulatorResource.emulator.trainingJobEnd(name).isPresent());

        var outcome = backend.reconcile(job, status, java.time.Instant.now(), new io.mlforge.operator.core.Outcome());
        assertThat(status.phase).as(status.message).isEqualTo(TrainingPhase.Completed);
        assertThat(status.attempts)
                .singleElement()
                .satisfies(a -> assertThat(a.reason).isEqualTo("Completed"));
        assertThat(status.sagemaker.trainingJobArn).isEqualTo(describe(name).trainingJobArn());
        assertThat(status.modelArtifacts).endsWith(name + "/output/model.tar.gz");
        assertThat(outcome.events()).extracting(e -> e.reason().name()).contains("ATTEMPT_ADOPTED");
        assertThat(SageMakerEmulatorResource.emulator.requestLog())
                .filteredOn(r -> "CreateTrainingJob".equals(r.path("operation").asText())
                        && name.equals(r.at("/request/TrainingJobName").asText()))
                .extracting(r -> r.path("status").asInt())
                .containsExactly(200, 400);
    }
}
