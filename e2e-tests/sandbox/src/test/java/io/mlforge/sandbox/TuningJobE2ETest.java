package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningPhase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TuningJobs with backend Kubernetes (the operator's own optimizer) end to end: the packaged operator against the
 * sandbox; trials are child TrainingJobs run by simulated pods (or the SageMaker emulator) whose synthetic trainer
 * computes the objective from the trial's hyperparameters.
 */
class TuningJobE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static Sandbox sandbox;
    private static KubernetesClient client;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(
                new Sandbox.Options(REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-tuning"), 4, 8, 0.2, 0, true));
        client = sandbox.client();
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static void apply(String yaml) {
        sandbox.applyYaml(yaml);
    }

    /** The search's status through the typed API (an empty status while it has none). */
    private static TuningJobStatus status(String name) {
        TuningJob job = client.resources(TuningJob.class)
                .inNamespace("default")
                .withName(name)
                .get();
        return job == null || job.getStatus() == null ? new TuningJobStatus() : job.getStatus();
    }

    private static TuningJobStatus await(
            String name, String what, Predicate<TuningJobStatus> condition, Duration timeout) {
        org.awaitility.Awaitility.await(name + " " + what)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> condition.test(status(name)));
        return status(name);
    }

    private static Predicate<TuningJobStatus> phase(TuningPhase phase) {
        return s -> s.phase == phase;
    }

    private static List<TrainingJob> trials(String tuningJob) {
        return client
                .resources(TrainingJob.class)
                .inNamespace("default")
                .withLabel("mlforge.io/tuning-job", tuningJob)
                .list()
                .getItems()
                .stream()
                .sorted(Comparator.comparing(t -> t.getMetadata().getName()))
                .toList();
    }

    private static Double objective(TrainingJob trial, String metric) {
        return trial.getStatus() == null || trial.getStatus().metrics == null
                ? null
                : trial.getStatus().metrics.get(metric);
    }

    private static String template(String hyperParameters, String extra) {
        return """
                  trainingJobTemplate:
                    spec:
                      image: mlforge/sandbox-trainer:latest
                      hyperParameters: %s
                      resources: {instanceCount: 1}
                      metrics:
                        - {name: "validation:objective", regex: "objective=([-0-9.]+)"}
                        - {name: "val_loss", regex: "val_loss=([0-9.]+)"}
                %s""".formatted(hyperParameters, extra);
    }

    @Test
    void bayesianSampleFindsAGoodBraninPointAndReportsTheBestTrial() throws Exception {
        sandbox.apply(REPO.resolve("config/samples/tuningjob-sandbox-branin.yaml"));
        TuningJobStatus done = await("branin-bayes", "Completed", phase(TuningPhase.Completed), Duration.ofMinutes(4));
        assertThat(done.completionReason).isEqualTo("MaxTrialsReached");
        List<TrainingJob> trials = trials("branin-bayes");
        assertThat(trials).hasSize(16);
        assertThat(trials)
                .extracting(t -> t.getMetadata().getName())
                .allMatch(n -> n.matches("branin-bayes-0(0[0-9]|1[0-5])-[0-9a-f]{6}"));
        double best = trials.stream()
                .map(t -> objective(t, "validation:objective"))
                .filter(java.util.Objects::nonNull)
                .mapToDouble(Double::doubleValue)
                .min()
                .orElseThrow();
        assertThat(done.bestTrial.objectiveValue).isEqualTo(best);
        assertThat(best)
                .as("Branin's minimum is 0.397887; random points average ~50")
                .isLessThan(3.0);
        assertThat(done.trialCounts.succeeded).isEqualTo(16);
        assertThat(done.trialCounts.running).isZero();
        assertThat(done.trials).hasSizeLessThanOrEqualTo(20);
        assertThat(done.conditions).anySatisfy(c -> {
            assertThat(c.type).isEqualTo(Condition.READY);
            assertThat(c.status).isEqualTo(ConditionStatus.True);
        });
    }

    /**
     * The multi-objective sample, as a user runs it: applied with kubectl, the front shown by kubectl get, the front in
     * status checked against every trial's reported metrics, and one front member served by an Endpoint by name.
     */
    @Test
    void multiObjectiveSampleKeepsTheParetoFrontAndAnEndpointServesAChosenMember() {
        io.mlforge.controlplane.Kubectl kubectl =
                new io.mlforge.controlplane.Kubectl(sandbox.controlPlane().kubectl(), sandbox.kubeconfig());
        var applied = kubectl.run(
                "apply",
                "-f",
                REPO.resolve("config/samples/tuningjob-sandbox-multi-objective.yaml")
                        .toString());
        assertThat(applied.ok()).as(applied.toString()).isTrue();
        TuningJobStatus done =
                await("error-vs-latency", "Completed", phase(TuningPhase.Completed), Duration.ofMinutes(5));
        assertThat(done.completionReason).isEqualTo("MaxTrialsReached");
        assertThat(done.bestTrial).as("no single best trial").isNull();

        // The front, recomputed here from what every trial reported: no member is beaten on both, every other trial is.
        List<TrainingJob> trials = trials("error-vs-latency");
        assertThat(trials).hasSize(16);
        Map<String, double[]> outcome = new java.util.LinkedHashMap<>();
        for (TrainingJob t : trials) {
            outcome.put(
                    t.getMetadata().getName(),
                    new double[] {objective(t, "validation:error"), objective(t, "latency-ms")});
        }
        java.util.function.BiPredicate<double[], double[]> beats =
                (a, b) -> a[0] <= b[0] && a[1] <= b[1] && (a[0] < b[0] || a[1] < b[1]);
        List<String> expected = outcome.entrySet().stream()
                .filter(e -> outcome.values().stream().noneMatch(o -> beats.test(o, e.getValue())))
                .sorted(Comparator.comparingDouble(e -> e.getValue()[0]))
                .map(Map.Entry::getKey)
                .toList();
        assertThat(expected).hasSizeGreaterThan(1);
        assertThat(done.paretoFrontSize).isEqualTo(expected.size());
        assertThat(done.paretoFront).extracting(t -> t.name).containsExactlyElementsOf(expected);
        assertThat(done.paretoFront)
                .allSatisfy(m -> assertThat(m.objectiveValues)
                        .containsEntry("validation:error", outcome.get(m.name)[0])
                        .containsEntry("latency-ms", outcome.get(m.name)[1]));

        var table = kubectl.run("get", "tuningjob", "error-vs-latency");
        assertThat(table.ok()).as(table.toString()).isTrue();
        // columns by position: BEST is empty for a multi-objective search, so splitting on blanks would shift them
        String header = table.out().lines().findFirst().orElseThrow();
        String row = table.out().lines().skip(1).findFirst().orElseThrow();
        int front = header.indexOf("FRONT");
        assertThat(row.substring(front).split("\\s+")[0]).isEqualTo(Integer.toString(expected.size()));
        assertThat(row.substring(header.indexOf("BEST"), front).trim()).isEmpty();
        awaitEvent("error-vs-latency", "ParetoFrontChanged");

        // An Endpoint must choose: no best trial to fall back on.
        apply("""
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: front-member, namespace: default}
                spec:
                  backend: Kubernetes
                  model: {image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", fromTuningJob: error-vs-latency}
                  variants: [{name: primary, instanceCount: 1}]
                """);
        org.awaitility.Awaitility.await("a front member must be chosen")
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(endpointStatus("front-member").conditions)
                        .anySatisfy(c -> {
                            assertThat(c.type).isEqualTo(io.mlforge.api.v1alpha1.EndpointStatus.MODEL_RESOLVED);
                            assertThat(c.status).isEqualTo(ConditionStatus.False);
                            assertThat(c.reason).isEqualTo("TrialRequired");
                            assertThat(c.message).contains("status.paretoFront");
                        }));
        String chosen = expected.get(expected.size() - 1); // the lowest latency
        var patched = kubectl.run(
                "patch",
                "endpoint",
                "front-member",
                "--type=merge",
                "-p",
                "{\"spec\":{\"model\":{\"trial\":\"" + chosen + "\"}}}");
        assertThat(patched.ok()).as(patched.toString()).isTrue();
        String artifacts = client.resources(TrainingJob.class)
                .inNamespace("default")
                .withName(chosen)
                .get()
                .getStatus()
                .modelArtifacts;
        assertThat(artifacts).isNotNull();
        org.awaitility.Awaitility.await("the chosen member served")
                .atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(endpointStatus("front-member").resolvedModels)
                        .singleElement()
                        .satisfies(r -> {
                            assertThat(r.source).isEqualTo("TuningJob/error-vs-latency (trial " + chosen + ")");
                            assertThat(r.dataUri).isEqualTo(artifacts);
                        }));
    }

    private static io.mlforge.api.v1alpha1.EndpointStatus endpointStatus(String name) {
        Endpoint e = client.resources(Endpoint.class)
                .inNamespace("default")
                .withName(name)
                .get();
        return e == null || e.getStatus() == null ? new io.mlforge.api.v1alpha1.EndpointStatus() : e.getStatus();
    }

    /** 12 Random trials of lr over five decades, 3 at a time, under the median rule; the template follows. */
    private static String medianRuleSearch(String name) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: %s, namespace: default}
                spec:
                  strategy: Random
                  objective: {metricName: val_loss, type: Minimize}
                  parameters:
                    - {name: lr, type: Continuous, min: 0.00001, max: 1, scaling: Logarithmic}
                  maxTrials: 12
                  maxParallelTrials: 3
                  earlyStopping: Auto
                  randomSeed: 3
                """.formatted(name);
    }

    @Test
    void medianRuleStopsTrialsThatFallBehind() {
        apply(medianRuleSearch("lr-median") + template("{epochs: \"60\"}", ""));
        TuningJobStatus done = await("lr-median", "Completed", phase(TuningPhase.Completed), Duration.ofMinutes(5));
        assertThat(done.trialCounts.stoppedEarly)
                .as("trials stopped by the median rule")
                .isPositive();
        assertThat(trials("lr-median"))
                .filteredOn(t ->
                        "MedianRule".equals(t.getMetadata().getAnnotations().get("mlforge.io/stopped-by")))
                .isNotEmpty();
        awaitEvent("lr-median", "TrialStoppedEarly");
    }

    /** An Event of {@code reason} about {@code object}; Events are sent off the reconcile path, so within 30 s. */
    private static void awaitEvent(String object, String reason) {
        org.awaitility.Awaitility.await(reason + " event about " + object)
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(client.v1()
                                .events()
                                .inNamespace("default")
                                .list()
                                .getItems())
                        .anyMatch(e -> object.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())));
    }

    /**
     * SageMaker reports metrics only at the end: the operator reads a SageMaker trial's curve from its CloudWatch Logs
     * while it trains (through the AWS SDK, from the emulator), so the median rule stops SageMaker trials too.
     */
    @Test
    void medianRuleStopsSageMakerTrialsFromTheirLogs() {
        apply(medianRuleSearch("sm-median") + """
                  trainingJobTemplate:
                    spec:
                      backend: SageMaker
                      image: mlforge/sandbox-trainer
                      hyperParameters: {epochs: "60"}
                      resources: {instanceType: ml.m5.xlarge, instanceCount: 1}
                      output: {uri: "s3://mlforge-examples/tuning/"}
                      metrics: [{name: val_loss, regex: "val_loss=([0-9.]+)"}]
                      sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """);
        TuningJobStatus done = await("sm-median", "Completed", phase(TuningPhase.Completed), Duration.ofMinutes(6));
        assertThat(done.trialCounts.stoppedEarly)
                .as("SageMaker trials stopped by the median rule")
                .isPositive();
        List<TrainingJob> all = trials("sm-median");
        assertThat(all)
                .allSatisfy(t -> assertThat(t.getMetadata().getAnnotations())
                        .containsEntry("mlforge.io/early-stopping", "MedianRule"));
        List<TrainingJob> stopped = all.stream()
                .filter(t ->
                        "MedianRule".equals(t.getMetadata().getAnnotations().get("mlforge.io/stopped-by")))
                .toList();
        assertThat(stopped).isNotEmpty().allSatisfy(t -> {
            assertThat(t.getStatus().phase).isEqualTo(io.mlforge.api.v1alpha1.TrainingPhase.Stopped);
            // the curve the rule judged, read from the logs while the SageMaker job ran
            assertThat(t.getStatus().metricHistory)
                    .anySatisfy(m -> assertThat(m.points).hasSizeGreaterThanOrEqualTo(3));
            String job = t.getStatus().sagemaker.trainingJobName;
            assertThat(sandbox.sagemaker().requestLog())
                    .anyMatch(r -> "StopTrainingJob".equals(r.path("operation").asText())
                            && job.equals(r.at("/request/TrainingJobName").asText()));
        });
    }

    @Test
    void gridRunsEveryCombination() {
        apply("""
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: grid-xy, namespace: default}
                spec:
                  strategy: Grid
                  objective: {metricName: "validation:objective", type: Minimize}
                  parameters:
                    - {name: x1, type: Integer, min: 2, max: 4}
                    - {name: x2, type: Categorical, values: ["1", "3"]}
                  maxParallelTrials: 3
                """ + template("{objective: branin, epochs: \"3\"}", ""));
        TuningJobStatus done = await("grid-xy", "Completed", phase(TuningPhase.Completed), Duration.ofMinutes(3));
        assertThat(trials("grid-xy"))
                .hasSize(6)
                .extracting(t -> t.getMetadata().getAnnotations().get("mlforge.io/trial-parameters"))
                .containsExactlyInAnyOrder(
                        "{\"x1\":\"2\",\"x2\":\"1\"}",
                        "{\"x1\":\"2\",\"x2\":\"3\"}",
                        "{\"x1\":\"3\",\"x2\":\"1\"}",
                        "{\"x1\":\"3\",\"x2\":\"3\"}",
                        "{\"x1\":\"4\",\"x2\":\"1\"}",
                        "{\"x1\":\"4\",\"x2\":\"3\"}");
        assertThat(done.bestTrial.parameters).isEqualTo(Map.of("x1", "3", "x2", "3"));
    }

    @Test
    void hyperbandPromotesTheBestToLongerRuns() {
        apply("""
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: hb-lr, namespace: default}
                spec:
                  strategy: Hyperband
                  hyperband: {resourceParameter: epochs, minResource: 1, maxResource: 9, eta: 3}
                  objective: {metricName: val_loss, type: Minimize}
                  parameters:
                    - {name: lr, type: Continuous, min: 0.00001, max: 1, scaling: Logarithmic}
                  maxTrials: 22
                  maxParallelTrials: 3
                  randomSeed: 5
                """ + template("{}", ""));
        await("hb-lr", "Completed", phase(TuningPhase.Completed), Duration.ofMinutes(4));
        List<TrainingJob> trials = trials("hb-lr");
        assertThat(trials).hasSize(22);
        // R = 9, eta = 3: bracket s=2 (9,1)(3,3)(1,9), s=1 (5,3)(1,9), s=0 (3,9); promotions run as soon as a top third
        // exists
        Map<String, Long> perRung = trials.stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        t -> t.getMetadata().getAnnotations().get("mlforge.io/hyperband"),
                        java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()));
        assertThat(perRung)
                .containsEntry("0/2/0", 9L)
                .containsEntry("0/2/1", 3L)
                .containsEntry("0/2/2", 1L);
        for (TrainingJob t : trials) {
            String position = t.getMetadata().getAnnotations().get("mlforge.io/hyperband");
            String expectedEpochs = switch (position.substring(2)) {
                case "2/0" -> "1";
                case "2/1", "1/0" -> "3";
                default -> "9";
            };
            assertThat(t.getSpec().hyperParameters).as(position).containsEntry("epochs", expectedEpochs);
        }
        // the rung-2 trial runs a configuration of rung 1, which ran one of rung 0
        String top = trials.stream()
                .filter(t -> "0/2/2".equals(t.getMetadata().getAnnotations().get("mlforge.io/hyperband")))
                .findFirst()
                .orElseThrow()
                .getMetadata()
                .getAnnotations()
                .get("mlforge.io/trial-parameters");
        assertThat(trials)
                .filteredOn(t -> "0/2/1".equals(t.getMetadata().getAnnotations().get("mlforge.io/hyperband")))
                .extracting(t -> t.getMetadata().getAnnotations().get("mlforge.io/trial-parameters"))
                .contains(top);
    }

    @Test
    void trialsCanRunOnSageMakerAndDeletingTheSearchDeletesItsTrials() {
        apply("""
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: sm-trials, namespace: default}
                spec:
                  strategy: Random
                  objective: {metricName: val_loss, type: Minimize}
                  parameters:
                    - {name: lr, type: Continuous, min: 0.001, max: 0.1, scaling: Logarithmic}
                  maxTrials: 3
                  maxParallelTrials: 3
                  trainingJobTemplate:
                    spec:
                      backend: SageMaker
                      image: mlforge/sandbox-trainer
                      hyperParameters: {epochs: "4"}
                      resources: {instanceType: ml.m5.xlarge, instanceCount: 1}
                      output: {uri: "s3://mlforge-examples/tuning/"}
                      metrics: [{name: val_loss, regex: "val_loss=([0-9.]+)"}]
                      sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """);
        TuningJobStatus done = await("sm-trials", "Completed", phase(TuningPhase.Completed), Duration.ofMinutes(3));
        assertThat(done.trialCounts.succeeded).isEqualTo(3);
        assertThat(sandbox.sagemaker().requestCounts().get("CreateTrainingJob")).isGreaterThanOrEqualTo(3);

        // an Endpoint serving the search's best model
        String best = done.bestTrial.name;
        apply("""
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: best-of-search, namespace: default}
                spec:
                  backend: SageMaker
                  model: {image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", fromTuningJob: sm-trials}
                  variants: [{name: primary, instanceType: ml.m5.large, instanceCount: 1}]
                  sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """);
        org.awaitility.Awaitility.await("endpoint of the best trial")
                .atMost(Duration.ofSeconds(60))
                .until(() -> {
                    Endpoint e = client.resources(Endpoint.class)
                            .inNamespace("default")
                            .withName("best-of-search")
                            .get();
                    return e != null && e.getStatus() != null && e.getStatus().phase == EndpointPhase.InService;
                });
        Endpoint endpoint = client.resources(Endpoint.class)
                .inNamespace("default")
                .withName("best-of-search")
                .get();
        assertThat(endpoint.getStatus().resolvedModels)
                .singleElement()
                .satisfies(r -> assertThat(r.source).isEqualTo("TuningJob/sm-trials (best trial " + best + ")"));

        apply("""
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: to-delete, namespace: default}
                spec:
                  strategy: Random
                  objective: {metricName: val_loss, type: Minimize}
                  parameters:
                    - {name: lr, type: Continuous, min: 0.001, max: 0.1}
                  maxTrials: 4
                  maxParallelTrials: 2
                """ + template("{epochs: \"500\"}", ""));
        await(
                "to-delete",
                "running 2 trials",
                s -> s.trialCounts != null && Integer.valueOf(2).equals(s.trialCounts.running),
                Duration.ofMinutes(1));
        org.awaitility.Awaitility.await("trial pods")
                .atMost(Duration.ofSeconds(60))
                .until(() ->
                        !client
                                .pods()
                                .inNamespace("default")
                                .withLabel("mlforge.io/training-job")
                                .list()
                                .getItems()
                                .stream()
                                .filter(p -> p.getMetadata().getName().startsWith("to-delete-"))
                                .toList()
                                .isEmpty());
        client.genericKubernetesResources(Sandbox.TUNING_JOBS)
                .inNamespace("default")
                .withName("to-delete")
                .delete();
        org.awaitility.Awaitility.await("search and trials gone")
                .atMost(Duration.ofSeconds(60))
                .until(() -> trials("to-delete").isEmpty()
                        && client.genericKubernetesResources(Sandbox.TUNING_JOBS)
                                        .inNamespace("default")
                                        .withName("to-delete")
                                        .get()
                                == null
                        && client.pods().inNamespace("default").list().getItems().stream()
                                .noneMatch(p -> p.getMetadata().getName().startsWith("to-delete-")));
    }

    private static final String SAGEMAKER_SEARCH = """
            apiVersion: mlforge.io/v1alpha1
            kind: TuningJob
            metadata: {name: %s, namespace: default}
            spec:
              backend: SageMaker
              strategy: Random
              objective: {metricName: val_loss, type: Minimize}
              parameters:
                - {name: lr, type: Continuous, min: 0.001, max: 0.1, scaling: Logarithmic}
                - {name: layers, type: Integer, min: 1, max: 4}
              maxTrials: %d
              maxParallelTrials: 2
              randomSeed: 11
              trainingJobTemplate:
                spec:
                  backend: SageMaker
                  image: mlforge/sandbox-trainer
                  hyperParameters: {epochs: "%d"}
                  resources: {instanceType: ml.m5.xlarge, instanceCount: 1}
                  output: {uri: "s3://mlforge-examples/tuning/"}
                  metrics: [{name: val_loss, regex: "val_loss=([0-9.]+)"}]
                  sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
            """;

    private static long tuningCalls(String operation) {
        return sandbox.sagemaker().requestLog().stream()
                .filter(r -> operation.equals(r.path("operation").asText()))
                .count();
    }

    @Test
    void backendSageMakerRunsOneSageMakerTuningJobAndReportsItsBestTrial() {
        long createsBefore = tuningCalls("CreateHyperParameterTuningJob");
        apply(SAGEMAKER_SEARCH.formatted("sm-search", 4, 3));
        TuningJobStatus done = await("sm-search", "Completed", phase(TuningPhase.Completed), Duration.ofMinutes(3));
        assertThat(done.sagemaker.tuningJobName)
                .matches("sm-search-[0-9a-f]{6}")
                .hasSizeLessThanOrEqualTo(32);
        assertThat(done.sagemaker.tuningJobStatus).isEqualTo("Completed");
        assertThat(done.trialCounts.succeeded).isEqualTo(4);
        assertThat(done.trialCounts.running).isZero();
        assertThat(done.trials)
                .hasSize(4)
                .allSatisfy(t -> assertThat(t.parameters).containsKeys("lr", "layers"));
        double best =
                done.trials.stream().mapToDouble(t -> t.objectiveValue).min().orElseThrow();
        assertThat(done.bestTrial.objectiveValue).isEqualTo(best);
        assertThat(done.completionReason).isEqualTo("MaxTrialsReached");
        // re-applying the same TuningJob changes nothing on SageMaker
        apply(SAGEMAKER_SEARCH.formatted("sm-search", 4, 3));
        assertThat(tuningCalls("CreateHyperParameterTuningJob") - createsBefore).isEqualTo(1);
    }

    @Test
    void deletingARunningSageMakerSearchStopsItsTuningJob() {
        apply(SAGEMAKER_SEARCH.formatted("sm-delete", 10, 400));
        await("sm-delete", "Running", phase(TuningPhase.Running), Duration.ofMinutes(1));
        client.genericKubernetesResources(Sandbox.TUNING_JOBS)
                .inNamespace("default")
                .withName("sm-delete")
                .delete();
        org.awaitility.Awaitility.await("deleted after SageMaker stopped it")
                .atMost(Duration.ofSeconds(60))
                .until(() -> client.genericKubernetesResources(Sandbox.TUNING_JOBS)
                                .inNamespace("default")
                                .withName("sm-delete")
                                .get()
                        == null);
        assertThat(sandbox.sagemaker().requestLog())
                .filteredOn(r ->
                        "StopHyperParameterTuningJob".equals(r.path("operation").asText()))
                .extracting(r -> r.at("/request/HyperParameterTuningJobName").asText())
                .anyMatch(n -> n.startsWith("sm-delete-"));
    }
}
