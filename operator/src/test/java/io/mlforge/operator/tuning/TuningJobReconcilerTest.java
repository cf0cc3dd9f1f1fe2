package io.mlforge.operator.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningPhase;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.support.MlforgeCrdsSetup;
import io.mlforge.operator.support.SageMakerEmulatorResource;
import io.mlforge.operator.support.SageMakerProfile;
import io.mlforge.sagemaker.emulator.SageMakerEmulator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The TuningJob controller and both its backends against fabric8's mock API server and the SageMaker emulator: the
 * operator's own search with trials that run on SageMaker (so the trials, TrainingJobs, progress without a kubelet),
 * and a search handed to a SageMaker tuning job.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MlforgeCrdsSetup.class)
@TestProfile(SageMakerProfile.class)
class TuningJobReconcilerTest {
    static final String NS = "tuning";
    static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    KubernetesClient client;

    private static String search(String name, String backend, int maxTrials) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: %s}
                spec:
                  backend: %s
                  strategy: Random
                  objective: {metricName: val_loss, type: Minimize}
                  parameters:
                    - {name: lr, type: Continuous, min: 0.001, max: 0.1, scaling: Logarithmic}
                  maxTrials: %d
                  maxParallelTrials: 2
                  randomSeed: 7
                  trainingJobTemplate:
                    spec:
                      backend: SageMaker
                      image: mlforge/sandbox-trainer
                      hyperParameters: {epochs: "3"}
                      resources: {instanceType: ml.m5.xlarge, instanceCount: 1}
                      output: {uri: "s3://mlforge-examples/tuning/"}
                      metrics: [{name: val_loss, regex: "val_loss=([0-9.]+)"}]
                      sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """.formatted(name, backend, maxTrials);
    }

    private void apply(String yaml) {
        client.resources(TuningJob.class)
                .inNamespace(NS)
                .resource(client.getKubernetesSerialization().unmarshal(yaml, TuningJob.class))
                .create();
    }

    private TuningJob get(String name) {
        return client.resources(TuningJob.class).inNamespace(NS).withName(name).get();
    }

    private TuningJobStatus awaitStatus(String name, String what, Predicate<TuningJobStatus> condition) {
        await(name + " " + what)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    TuningJob j = get(name);
                    return j != null && j.getStatus() != null && condition.test(j.getStatus());
                });
        return get(name).getStatus();
    }

    private List<TrainingJob> trials(String search) {
        return client.resources(TrainingJob.class).inNamespace(NS).list().getItems().stream()
                .filter(t -> t.getMetadata().getName().startsWith(search + "-"))
                .toList();
    }

    private List<String> eventReasons(String name) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    private static long calls(String operation) {
        return SageMakerEmulatorResource.emulator.requestCounts().getOrDefault(operation, 0L);
    }

    @Test
    void theOperatorsOwnSearchRunsItsTrialsFindsTheBestAndDeletingItDeletesTheTrials() {
        apply(search("own-search", "Kubernetes", 3));
        TuningJobStatus done = awaitStatus("own-search", "Completed", s -> s.phase == TuningPhase.Completed);
        assertThat(done.trialCounts.succeeded).isEqualTo(3);
        assertThat(done.nextTrialIndex).isEqualTo(3);
        List<TrainingJob> trials = trials("own-search");
        assertThat(trials).hasSize(3).allSatisfy(t -> {
            assertThat(t.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o -> assertThat(o.getName()).isEqualTo("own-search"));
            assertThat(t.getSpec().hyperParameters).containsKey("lr");
        });
        double best = trials.stream()
                .mapToDouble(t -> t.getStatus().metrics.get("val_loss"))
                .min()
                .orElseThrow();
        assertThat(done.bestTrial.objectiveValue).isEqualTo(best);
        assertThat(Conditions.isTrue(done.conditions, TuningJobStatus.SUCCEEDED))
                .isTrue();
        await().atMost(WAIT)
                .until(() -> eventReasons("own-search")
                        .containsAll(List.of("TrialCreated", "BestTrialImproved", "Completed")));

        client.resources(TuningJob.class).inNamespace(NS).withName("own-search").delete();
        await("search and trials gone")
                .atMost(WAIT)
                .until(() -> get("own-search") == null && trials("own-search").isEmpty());
    }

    @Test
    void aSageMakerSearchIsCreatedOnceThroughThrottlingAndEndsWithItsBestTrial() {
        long createsBefore = calls("CreateHyperParameterTuningJob");
        SageMakerEmulatorResource.emulator.setFaults(new SageMakerEmulator.Faults(1.0, 0, Duration.ZERO));
        try {
            apply(search("sm-search", "SageMaker", 2));
            TuningJobStatus throttled =
                    awaitStatus("sm-search", "Throttled", s -> Conditions.isTrue(s.conditions, Condition.THROTTLED));
            assertThat(throttled.sagemaker.tuningJobName)
                    .as("the name is recorded before the first create")
                    .isNotNull();
        } finally {
            SageMakerEmulatorResource.emulator.setFaults(SageMakerEmulator.Faults.NONE);
        }
        TuningJobStatus done = awaitStatus("sm-search", "Completed", s -> s.phase == TuningPhase.Completed);
        assertThat(done.bestTrial).isNotNull();
        assertThat(done.bestTrial.objectiveValue).isNotNull();
        assertThat(Conditions.find(done.conditions, Condition.THROTTLED).status).isEqualTo(ConditionStatus.False);
        assertThat(SageMakerEmulatorResource.emulator.requestLog())
                .filteredOn(r -> "CreateHyperParameterTuningJob"
                                .equals(r.path("operation").asText())
                        && r.path("status").asInt() == 200)
                .as("one tuning job")
                .hasSize(1);
        assertThat(calls("CreateHyperParameterTuningJob") - createsBefore)
                .as("throttled attempts, then one create")
                .isGreaterThan(1);
        await().atMost(WAIT)
                .until(() -> eventReasons("sm-search")
                        .containsAll(List.of("Throttled", "SageMakerTuningJobCreated", "Completed")));
    }
}
