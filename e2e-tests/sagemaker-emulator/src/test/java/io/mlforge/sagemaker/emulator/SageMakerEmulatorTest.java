package io.mlforge.sagemaker.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterTuningJobStatus;
import software.amazon.awssdk.services.sagemaker.model.ResourceInUseException;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.SecondaryStatus;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobStatus;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobSummary;

/** The emulator through the real AWS SDK clients over HTTP. */
class SageMakerEmulatorTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T10:00:00Z"));
    private SageMakerEmulator emulator;
    private SageMakerClient sagemaker;
    private Path requestLog;

    @BeforeEach
    void start(@TempDir Path tmp) throws Exception {
        requestLog = tmp.resolve("requests.jsonl");
        // launch 4 s, download 2 s, 1 s per epoch, upload 2 s, stop 3 s, endpoint create/update 8 s, delete 3 s
        emulator = SageMakerEmulator.start(0, clock, Timing.realistic(), requestLog);
        sagemaker = SageMakerClient.builder()
                .endpointOverride(URI.create(emulator.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("sandbox", "sandbox-secret")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        sagemaker.close();
        emulator.close();
    }

    private void advance(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    private static CreateTrainingJobRequest.Builder xgboost(String name) {
        return CreateTrainingJobRequest.builder()
                .trainingJobName(name)
                .roleArn(ROLE)
                .algorithmSpecification(a -> a.trainingImage(
                                "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1")
                        .trainingInputMode("File")
                        .metricDefinitions(m -> m.name("validation:accuracy").regex("val_acc=([0-9.]+)")))
                .hyperParameters(Map.of("num_round", "10", "lr", "0.01"))
                .outputDataConfig(o -> o.s3OutputPath("s3://mlforge-examples/xgboost/output/"))
                .resourceConfig(
                        r -> r.instanceType("ml.m4.xlarge").instanceCount(1).volumeSizeInGB(1))
                .stoppingCondition(s -> s.maxRuntimeInSeconds(3600));
    }

    private DescribeTrainingJobResponse describe(String name) {
        return sagemaker.describeTrainingJob(r -> r.trainingJobName(name));
    }

    @Test
    void aRequestThatReadTheClockBeforeAConcurrentCreateStillSeesTheNewJobAsStarting() {
        // Concurrent requests: one creates a job after another read the clock; the other then looks at that job.
        advance(10);
        sagemaker.createTrainingJob(xgboost("created-later").build());
        advance(-10);
        sagemaker.createTrainingJob(xgboost("created-earlier").build()); // counts running jobs, including created-later
        assertThat(describe("created-later").secondaryStatus()).isEqualTo(SecondaryStatus.STARTING);
    }

    @Test
    void trainingJobGoesThroughSageMakersStatusSequence() {
        String arn = sagemaker.createTrainingJob(xgboost("xgb-1").build()).trainingJobArn();
        assertThat(arn).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:training-job/xgb-1");
        assertThat(describe("xgb-1").secondaryStatus()).isEqualTo(SecondaryStatus.STARTING);
        assertThat(describe("xgb-1").trainingJobStatus()).isEqualTo(TrainingJobStatus.IN_PROGRESS);
        advance(4);
        assertThat(describe("xgb-1").secondaryStatus()).isEqualTo(SecondaryStatus.DOWNLOADING);
        advance(2);
        assertThat(describe("xgb-1").secondaryStatus()).isEqualTo(SecondaryStatus.TRAINING);
        advance(5);
        DescribeTrainingJobResponse training = describe("xgb-1");
        assertThat(training.finalMetricDataList())
                .singleElement()
                .satisfies(m -> assertThat(m.metricName()).isEqualTo("validation:accuracy"));
        advance(5);
        assertThat(describe("xgb-1").secondaryStatus()).isEqualTo(SecondaryStatus.UPLOADING);
        advance(2);
        DescribeTrainingJobResponse done = describe("xgb-1");
        assertThat(done.trainingJobStatus()).isEqualTo(TrainingJobStatus.COMPLETED);
        assertThat(done.secondaryStatus()).isEqualTo(SecondaryStatus.COMPLETED);
        assertThat(done.modelArtifacts().s3ModelArtifacts())
                .isEqualTo("s3://mlforge-examples/xgboost/output/xgb-1/output/model.tar.gz");
        assertThat(done.secondaryStatusTransitions())
                .extracting(t -> t.statusAsString())
                .containsExactly("Starting", "Downloading", "Training", "Uploading", "Completed");
        assertThat(done.secondaryStatusTransitions().get(0).statusMessage())
                .isEqualTo("Launching requested ML instances");
        assertThat(done.trainingTimeInSeconds()).isEqualTo(14);
        assertThat(done.billableTimeInSeconds()).isEqualTo(14);
        // The default learning curve at lr 0.01 ends at loss 0.05.
        assertThat(done.finalMetricDataList().get(0).value())
                .isCloseTo(0.952f, org.assertj.core.data.Offset.offset(0.001f));
        assertThat(done.hyperParameters()).containsEntry("num_round", "10");
    }

    @Test
    void sageMakersConstraintsAreEnforcedWithItsErrorShapes() {
        assertThatThrownBy(() -> sagemaker.createTrainingJob(xgboost("bad_name").build()))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .contains("trainingJobName")
                            .contains("regular expression pattern");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
        assertThatThrownBy(() ->
                        sagemaker.createTrainingJob(xgboost("x".repeat(64)).build()))
                .hasMessageContaining("Member must have length less than or equal to 63");
        assertThatThrownBy(() -> sagemaker.createTrainingJob(
                        xgboost("no-role").roleArn(null).build()))
                .hasMessageContaining("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
        assertThatThrownBy(() -> sagemaker.createTrainingJob(
                        xgboost("spot").enableManagedSpotTraining(true).build()))
                .hasMessageContaining("MaxWaitTimeInSeconds");
        sagemaker.createTrainingJob(xgboost("unique").build());
        assertThatThrownBy(() -> sagemaker.createTrainingJob(xgboost("unique").build()))
                .isInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("a training job with this name already exists");
        assertThatThrownBy(() -> describe("missing")).isInstanceOf(ResourceNotFoundException.class);
        emulator.setTrainingInstanceLimit(1);
        assertThatThrownBy(
                        () -> sagemaker.createTrainingJob(xgboost("over-limit").build()))
                .isInstanceOfSatisfying(
                        AwsServiceException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceLimitExceeded"));
    }

    @Test
    void stopMovesThroughStoppingToStoppedAndFinishedJobsCannotBeStopped() {
        sagemaker.createTrainingJob(xgboost("stop-me").build());
        advance(7);
        sagemaker.stopTrainingJob(r -> r.trainingJobName("stop-me"));
        assertThat(describe("stop-me").trainingJobStatus()).isEqualTo(TrainingJobStatus.STOPPING);
        advance(3);
        assertThat(describe("stop-me").trainingJobStatus()).isEqualTo(TrainingJobStatus.STOPPED);
        assertThatThrownBy(() -> sagemaker.stopTrainingJob(r -> r.trainingJobName("stop-me")))
                .hasMessageContaining("the training job is in status Stopped");
    }

    @Test
    void faultTagsFailOrInterruptJobs() {
        sagemaker.createTrainingJob(xgboost("failing")
                .tags(t -> t.key("sandbox.mlforge.io/fault").value("fail"))
                .build());
        sagemaker.createTrainingJob(xgboost("no-capacity")
                .tags(t -> t.key("sandbox.mlforge.io/fault").value("capacity"))
                .build());
        sagemaker.createTrainingJob(xgboost("spot-job")
                .enableManagedSpotTraining(true)
                .stoppingCondition(s -> s.maxRuntimeInSeconds(3600).maxWaitTimeInSeconds(7200))
                .tags(t -> t.key("sandbox.mlforge.io/fault").value("interrupt"))
                .build());
        advance(30);
        assertThat(describe("failing").trainingJobStatus()).isEqualTo(TrainingJobStatus.FAILED);
        assertThat(describe("failing").failureReason()).startsWith("AlgorithmError");
        assertThat(describe("no-capacity").failureReason()).startsWith("CapacityError");
        DescribeTrainingJobResponse spot = describe("spot-job");
        assertThat(spot.trainingJobStatus()).isEqualTo(TrainingJobStatus.STOPPED);
        assertThat(spot.secondaryStatus()).isEqualTo(SecondaryStatus.MAX_WAIT_TIME_EXCEEDED);
        assertThat(spot.secondaryStatusTransitions())
                .extracting(t -> t.statusAsString())
                .contains("Interrupted");
        assertThat(spot.billableTimeInSeconds()).isLessThan(spot.trainingTimeInSeconds());
    }

    @Test
    void listFiltersByStatusAndModificationTimeAndPaginates() {
        for (int i = 0; i < 5; i++) {
            sagemaker.createTrainingJob(xgboost("batch-" + i).build());
            advance(1);
        }
        Instant checkpoint = clock.instant();
        advance(30); // all completed by now
        sagemaker.createTrainingJob(xgboost("late").build());
        List<TrainingJobSummary> inProgress = sagemaker
                .listTrainingJobs(r -> r.statusEquals(TrainingJobStatus.IN_PROGRESS))
                .trainingJobSummaries();
        assertThat(inProgress).extracting(TrainingJobSummary::trainingJobName).containsExactly("late");
        var changed = sagemaker
                .listTrainingJobsPaginator(
                        r -> r.lastModifiedTimeAfter(checkpoint).maxResults(2))
                .trainingJobSummaries()
                .stream()
                .map(TrainingJobSummary::trainingJobName)
                .toList();
        assertThat(changed).hasSize(6).contains("batch-0", "batch-4", "late");
    }

    @Test
    void injectedThrottlingAndErrorsHaveAwsShapes() throws Exception {
        emulator.setFaults(new SageMakerEmulator.Faults(1.0, 0, Duration.ZERO));
        assertThatThrownBy(() -> sagemaker.listTrainingJobs(r -> r.maxResults(1)))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                    assertThat(e.isThrottlingException()).isTrue();
                });
        emulator.setFaults(new SageMakerEmulator.Faults(0, 1.0, Duration.ZERO));
        assertThatThrownBy(() -> sagemaker.listTrainingJobs(r -> r.maxResults(1)))
                .isInstanceOfSatisfying(
                        AwsServiceException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(500));
        emulator.setFaults(SageMakerEmulator.Faults.NONE);
        sagemaker.listTrainingJobs(r -> r.maxResults(1));
        List<JsonNode> lines = Files.readAllLines(requestLog).stream()
                .map(l -> {
                    try {
                        return new ObjectMapper().readTree(l);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
        assertThat(lines).hasSize(3);
        assertThat(lines).extracting(l -> l.path("operation").asText()).containsOnly("ListTrainingJobs");
        assertThat(lines)
                .extracting(l -> l.path("error").asText())
                .containsExactly("ThrottlingException", "InternalFailure", "");
        assertThat(lines.get(2).at("/request/MaxResults").asInt()).isEqualTo(1);
        assertThat(emulator.requestCounts()).containsEntry("ListTrainingJobs", 3L);
    }

    @Test
    void hostingCreatesUpdatesRollsBackAndDeletesEndpoints() {
        sagemaker.createModel(r -> r.modelName("m1")
                .executionRoleArn(ROLE)
                .primaryContainer(c -> c.image("serve:1").modelDataUrl("s3://b/m1.tar.gz")));
        sagemaker.createModel(r -> r.modelName("m2").executionRoleArn(ROLE).primaryContainer(c -> c.image("serve:2")));
        sagemaker.createModel(
                r -> r.modelName("broken").executionRoleArn(ROLE).primaryContainer(c -> c.image("serve:sandbox-fail")));
        sagemaker.createEndpointConfig(r -> r.endpointConfigName("c1")
                .productionVariants(v -> v.variantName("primary")
                        .modelName("m1")
                        .instanceType("ml.m5.large")
                        .initialInstanceCount(2)
                        .initialVariantWeight(1f)));
        sagemaker.createEndpointConfig(r -> r.endpointConfigName("c2")
                .productionVariants(v -> v.variantName("primary")
                        .modelName("m2")
                        .instanceType("ml.m5.large")
                        .initialInstanceCount(3)));
        sagemaker.createEndpointConfig(r -> r.endpointConfigName("c-broken")
                .productionVariants(v -> v.variantName("primary")
                        .modelName("broken")
                        .instanceType("ml.m5.large")
                        .initialInstanceCount(1)));
        assertThatThrownBy(() -> sagemaker.createEndpointConfig(r -> r.endpointConfigName("c1")
                        .productionVariants(v -> v.variantName("p")
                                .modelName("m1")
                                .instanceType("ml.m5.large")
                                .initialInstanceCount(1))))
                .hasMessageContaining("Cannot create already existing endpoint configuration");
        assertThatThrownBy(() -> sagemaker.createEndpointConfig(r -> r.endpointConfigName("c-bad")
                        .productionVariants(v -> v.variantName("p")
                                .modelName("m1")
                                .serverlessConfig(s -> s.memorySizeInMB(5000).maxConcurrency(5)))))
                .hasMessageContaining("multiple of 1024");

        sagemaker.createEndpoint(r -> r.endpointName("fraud").endpointConfigName("c1"));
        assertThat(sagemaker.describeEndpoint(r -> r.endpointName("fraud")).endpointStatus())
                .isEqualTo(EndpointStatus.CREATING);
        assertThatThrownBy(() ->
                        sagemaker.updateEndpoint(r -> r.endpointName("fraud").endpointConfigName("c2")))
                .hasMessageContaining("Cannot update in-progress endpoint");
        advance(8);
        DescribeEndpointResponse inService = sagemaker.describeEndpoint(r -> r.endpointName("fraud"));
        assertThat(inService.endpointStatus()).isEqualTo(EndpointStatus.IN_SERVICE);
        assertThat(inService.productionVariants().get(0).currentInstanceCount()).isEqualTo(2);

        sagemaker.updateEndpoint(r -> r.endpointName("fraud").endpointConfigName("c2"));
        assertThat(sagemaker.describeEndpoint(r -> r.endpointName("fraud")).endpointStatus())
                .isEqualTo(EndpointStatus.UPDATING);
        advance(8);
        DescribeEndpointResponse updated = sagemaker.describeEndpoint(r -> r.endpointName("fraud"));
        assertThat(updated.endpointConfigName()).isEqualTo("c2");
        assertThat(updated.productionVariants().get(0).desiredInstanceCount()).isEqualTo(3);

        sagemaker.updateEndpoint(r -> r.endpointName("fraud").endpointConfigName("c-broken"));
        advance(8);
        DescribeEndpointResponse rolledBack = sagemaker.describeEndpoint(r -> r.endpointName("fraud"));
        assertThat(rolledBack.endpointStatus()).isEqualTo(EndpointStatus.IN_SERVICE);
        assertThat(rolledBack.endpointConfigName())
                .as("the previous config keeps serving")
                .isEqualTo("c2");
        assertThat(rolledBack.failureReason()).contains("rolled back");

        sagemaker.deleteEndpoint(r -> r.endpointName("fraud"));
        assertThat(sagemaker.describeEndpoint(r -> r.endpointName("fraud")).endpointStatus())
                .isEqualTo(EndpointStatus.DELETING);
        advance(3);
        assertThatThrownBy(() -> sagemaker.describeEndpoint(r -> r.endpointName("fraud")))
                .hasMessageContaining("Could not find endpoint");
        sagemaker.deleteEndpointConfig(r -> r.endpointConfigName("c1"));
        sagemaker.deleteModel(r -> r.modelName("m1"));
        assertThatThrownBy(() -> sagemaker.describeModel(r -> r.modelName("m1")))
                .hasMessageContaining("Could not find model");
    }

    @Test
    void weightsAndCapacitiesChangeInPlaceOnAnEndpointInService() {
        sagemaker.createModel(r -> r.modelName("m1").executionRoleArn(ROLE).primaryContainer(c -> c.image("serve:1")));
        sagemaker.createEndpointConfig(r -> r.endpointConfigName("two")
                .productionVariants(
                        v -> v.variantName("blue")
                                .modelName("m1")
                                .instanceType("ml.m5.large")
                                .initialInstanceCount(2)
                                .initialVariantWeight(0.9f),
                        v -> v.variantName("green")
                                .modelName("m1")
                                .instanceType("ml.m5.large")
                                .initialInstanceCount(1)
                                .initialVariantWeight(0.1f)));
        sagemaker.createEndpoint(r -> r.endpointName("ranker").endpointConfigName("two"));
        assertThatThrownBy(() -> sagemaker.updateEndpointWeightsAndCapacities(r -> r.endpointName("ranker")
                        .desiredWeightsAndCapacities(d -> d.variantName("blue").desiredWeight(0.5f))))
                .as("only in service")
                .hasMessageContaining("Cannot update in-progress endpoint");
        advance(8);
        assertThatThrownBy(() -> sagemaker.updateEndpointWeightsAndCapacities(r -> r.endpointName("ranker")
                        .desiredWeightsAndCapacities(
                                d -> d.variantName("purple").desiredWeight(0.5f))))
                .hasMessageContaining("[purple] is/are not present");
        assertThatThrownBy(() -> sagemaker.updateEndpointWeightsAndCapacities(r -> r.endpointName("ranker")
                        .desiredWeightsAndCapacities(
                                d -> d.variantName("blue").desiredInstanceCount(3),
                                d -> d.variantName("green").desiredInstanceCount(2))))
                .hasMessageContaining("only one variant");

        sagemaker.updateEndpointWeightsAndCapacities(r -> r.endpointName("ranker")
                .desiredWeightsAndCapacities(
                        d -> d.variantName("blue").desiredWeight(0.5f).desiredInstanceCount(3),
                        d -> d.variantName("green").desiredWeight(0.5f)));
        DescribeEndpointResponse updating = sagemaker.describeEndpoint(r -> r.endpointName("ranker"));
        assertThat(updating.endpointStatus()).isEqualTo(EndpointStatus.UPDATING);
        assertThat(updating.endpointConfigName()).isEqualTo("two");
        assertThat(updating.productionVariants())
                .extracting(v -> v.variantName() + " " + v.currentWeight() + "->" + v.desiredWeight() + " "
                        + v.currentInstanceCount() + "->" + v.desiredInstanceCount())
                .containsExactly("blue 0.9->0.5 2->3", "green 0.1->0.5 1->1");
        assertThatThrownBy(() ->
                        sagemaker.updateEndpoint(r -> r.endpointName("ranker").endpointConfigName("two")))
                .hasMessageContaining("Cannot update in-progress endpoint");
        advance(8);
        DescribeEndpointResponse applied = sagemaker.describeEndpoint(r -> r.endpointName("ranker"));
        assertThat(applied.endpointStatus()).isEqualTo(EndpointStatus.IN_SERVICE);
        assertThat(applied.endpointConfigName()).as("same config").isEqualTo("two");
        assertThat(applied.productionVariants())
                .extracting(v -> v.variantName() + " " + v.currentWeight() + " " + v.currentInstanceCount())
                .containsExactly("blue 0.5 3", "green 0.5 1");

        // a blue/green update to a config starts from that config's initial weights and counts
        sagemaker.createEndpointConfig(r -> r.endpointConfigName("one")
                .productionVariants(v -> v.variantName("blue")
                        .modelName("m1")
                        .instanceType("ml.m5.large")
                        .initialInstanceCount(4)
                        .initialVariantWeight(1f)));
        sagemaker.updateEndpoint(r -> r.endpointName("ranker").endpointConfigName("one"));
        advance(8);
        assertThat(sagemaker.describeEndpoint(r -> r.endpointName("ranker")).productionVariants())
                .extracting(v -> v.variantName() + " " + v.currentWeight() + " " + v.currentInstanceCount())
                .containsExactly("blue 1.0 4");
    }

    @Test
    void tuningJobRunsTrialsInWavesAndReportsTheBest() {
        sagemaker.createHyperParameterTuningJob(r -> r.hyperParameterTuningJobName("xgb-tune")
                .hyperParameterTuningJobConfig(c -> c.strategy("Bayesian")
                        .hyperParameterTuningJobObjective(
                                o -> o.type("Maximize").metricName("validation:accuracy"))
                        .resourceLimits(l -> l.maxNumberOfTrainingJobs(4).maxParallelTrainingJobs(2))
                        .parameterRanges(p -> p.continuousParameterRanges(x ->
                                x.name("lr").minValue("0.001").maxValue("0.1").scalingType("Logarithmic"))))
                .trainingJobDefinition(d -> d.roleArn(ROLE)
                        .algorithmSpecification(a -> a.trainingImage("mlforge/sandbox-trainer:latest")
                                .trainingInputMode("File")
                                .metricDefinitions(
                                        m -> m.name("validation:accuracy").regex("val_acc=([0-9.]+)")))
                        .staticHyperParameters(Map.of("epochs", "5"))
                        .outputDataConfig(o -> o.s3OutputPath("s3://b/tuning/"))
                        .resourceConfig(rc ->
                                rc.instanceType("ml.m5.xlarge").instanceCount(1).volumeSizeInGB(5))
                        .stoppingCondition(s -> s.maxRuntimeInSeconds(600))));
        var first = sagemaker.describeHyperParameterTuningJob(r -> r.hyperParameterTuningJobName("xgb-tune"));
        assertThat(first.trainingJobStatusCounters().inProgress()).isEqualTo(2);
        var trials = sagemaker
                .listTrainingJobsForHyperParameterTuningJob(r -> r.hyperParameterTuningJobName("xgb-tune"))
                .trainingJobSummaries();
        assertThat(trials).extracting(t -> t.trainingJobName()).allMatch(n -> n.matches("xgb-tune-00[12]-[0-9a-f]{8}"));
        assertThat(trials.get(0).tunedHyperParameters()).containsKey("lr").doesNotContainKey("epochs");
        for (int i = 0; i < 10; i++) {
            advance(15);
            sagemaker.describeHyperParameterTuningJob(r -> r.hyperParameterTuningJobName("xgb-tune"));
        }
        var done = sagemaker.describeHyperParameterTuningJob(r -> r.hyperParameterTuningJobName("xgb-tune"));
        assertThat(done.hyperParameterTuningJobStatus()).isEqualTo(HyperParameterTuningJobStatus.COMPLETED);
        assertThat(done.trainingJobStatusCounters().completed()).isEqualTo(4);
        assertThat(done.bestTrainingJob()
                        .finalHyperParameterTuningJobObjectiveMetric()
                        .metricName())
                .isEqualTo("validation:accuracy");
        double best = done.bestTrainingJob()
                .finalHyperParameterTuningJobObjectiveMetric()
                .value();
        var all = sagemaker
                .listTrainingJobsForHyperParameterTuningJob(r -> r.hyperParameterTuningJobName("xgb-tune"))
                .trainingJobSummaries();
        assertThat(all)
                .hasSize(4)
                .allSatisfy(t -> assertThat(
                                t.finalHyperParameterTuningJobObjectiveMetric().value())
                        .isLessThanOrEqualTo((float) best));
    }

    @Test
    void applicationAutoScalingTargetsAndPolicies() {
        try (ApplicationAutoScalingClient autoscaling = ApplicationAutoScalingClient.builder()
                .endpointOverride(URI.create(emulator.endpoint()))
                .region(Region.US_EAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .build()) {
            autoscaling.registerScalableTarget(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId("endpoint/fraud/variant/primary")
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                    .minCapacity(2)
                    .maxCapacity(8));
            autoscaling.putScalingPolicy(r -> r.policyName("invocations")
                    .serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId("endpoint/fraud/variant/primary")
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                    .policyType(PolicyType.TARGET_TRACKING_SCALING)
                    .targetTrackingScalingPolicyConfiguration(t -> t.targetValue(1000.0)
                            .predefinedMetricSpecification(m ->
                                    m.predefinedMetricType(MetricType.SAGE_MAKER_VARIANT_INVOCATIONS_PER_INSTANCE))));
            var targets = autoscaling
                    .describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                            .resourceIds("endpoint/fraud/variant/primary"))
                    .scalableTargets();
            assertThat(targets).singleElement().satisfies(t -> {
                assertThat(t.minCapacity()).isEqualTo(2);
                assertThat(t.maxCapacity()).isEqualTo(8);
            });
            assertThat(autoscaling
                            .describeScalingPolicies(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER))
                            .scalingPolicies())
                    .singleElement()
                    .satisfies(p -> assertThat(
                                    p.targetTrackingScalingPolicyConfiguration().targetValue())
                            .isEqualTo(1000.0));
            autoscaling.deregisterScalableTarget(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId("endpoint/fraud/variant/primary")
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT));
            assertThat(autoscaling
                            .describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER))
                            .scalableTargets())
                    .isEmpty();
        }
    }
}
