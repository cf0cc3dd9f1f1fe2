package io.mlforge.operator.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.support.MlforgeCrdsSetup;
import io.mlforge.operator.support.SageMakerEmulatorResource;
import io.mlforge.operator.support.SageMakerProfile;
import io.mlforge.operator.training.TrainingJobs;
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
 * The Endpoint controller with backend SageMaker: the operator against fabric8's mock API server and the SageMaker
 * emulator over HTTP (the in-cluster backend runs end to end on the real control plane, EndpointE2ETest). What the
 * controller adds to its backend: model resolution, the shared conditions for failed calls, deletion.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MlforgeCrdsSetup.class)
@TestProfile(SageMakerProfile.class)
class EndpointReconcilerTest {
    static final String NS = "serving";
    static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    KubernetesClient client;

    private static String endpoint(String name, String model) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: %s}
                spec:
                  backend: SageMaker
                  model: %s
                  variants: [{name: primary, instanceType: ml.m5.large, instanceCount: 1}]
                  sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """.formatted(name, model);
    }

    private static final String INLINE_MODEL =
            "{image: \"683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1\", "
                    + "dataUri: \"s3://mlforge-examples/fraud/models/model.tar.gz\"}";

    private void apply(String yaml) {
        client.resources(Endpoint.class)
                .inNamespace(NS)
                .resource(client.getKubernetesSerialization().unmarshal(yaml, Endpoint.class))
                .create();
    }

    private Endpoint get(String name) {
        return client.resources(Endpoint.class).inNamespace(NS).withName(name).get();
    }

    private EndpointStatus awaitStatus(String name, String what, Predicate<EndpointStatus> condition) {
        await(name + " " + what)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Endpoint e = get(name);
                    return e != null && e.getStatus() != null && condition.test(e.getStatus());
                });
        return get(name).getStatus();
    }

    private List<String> eventReasons(String name) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    private static List<JsonNode> requests(String operation, String field, String value) {
        return SageMakerEmulatorResource.emulator.requestLog().stream()
                .filter(r -> operation.equals(r.path("operation").asText()))
                .filter(r -> value.equals(r.at("/request/" + field).asText()))
                .toList();
    }

    @Test
    void anEndpointWaitsForItsTrainingJobThenServesItsModelAndDeletionRemovesWhatItMade() {
        apply(endpoint(
                "from-training",
                "{image: \"683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1\", "
                        + "fromTrainingJob: xgb-for-serving}"));
        EndpointStatus waiting = awaitStatus(
                "from-training",
                "waits for its TrainingJob",
                s -> Conditions.find(s.conditions, EndpointStatus.MODEL_RESOLVED) != null);
        assertThat(Conditions.find(waiting.conditions, EndpointStatus.MODEL_RESOLVED))
                .satisfies(c -> {
                    assertThat(c.status).isEqualTo(ConditionStatus.False);
                    assertThat(c.reason).isEqualTo("TrainingJobNotFound");
                    assertThat(c.message).contains("TrainingJob xgb-for-serving does not exist");
                });
        assertThat(Conditions.find(waiting.conditions, Condition.READY).status).isEqualTo(ConditionStatus.False);
        assertThat(SageMakerEmulatorResource.emulator.requestLog())
                .noneMatch(r -> r.at("/request/EndpointName").asText().startsWith("from-training"));

        client.resources(TrainingJob.class)
                .inNamespace(NS)
                .resource(TrainingJobs.manifest("xgb-for-serving", """
                backend: SageMaker
                image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
                hyperParameters: {num_round: "10", objective: "multi:softmax", num_class: "4"}
                resources: {instanceType: ml.m5.xlarge, instanceCount: 1, volumeSizeGB: 5}
                inputs: [{name: train, uri: "s3://mlforge-examples/xgboost/train/", contentType: text/csv}]
                output: {uri: "s3://mlforge-examples/xgboost/output/"}
                sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """))
                .create();
        EndpointStatus serving = awaitStatus("from-training", "InService", s -> s.phase == EndpointPhase.InService);
        String artifacts = client.resources(TrainingJob.class)
                .inNamespace(NS)
                .withName("xgb-for-serving")
                .get()
                .getStatus()
                .modelArtifacts;
        assertThat(serving.resolvedModels).singleElement().satisfies(m -> {
            assertThat(m.source).startsWith("TrainingJob/xgb-for-serving");
            assertThat(m.dataUri).isEqualTo(artifacts);
        });
        assertThat(Conditions.isTrue(serving.conditions, EndpointStatus.MODEL_RESOLVED))
                .isTrue();
        assertThat(Conditions.isTrue(serving.conditions, Condition.READY)).isTrue();
        String endpointName = serving.sagemaker.endpointName;
        String config = serving.sagemaker.endpointConfigName;
        List<String> models = serving.sagemaker.modelNames;
        assertThat(requests("CreateModel", "ModelName", models.get(0)))
                .singleElement()
                .satisfies(r -> assertThat(
                                r.at("/request/PrimaryContainer/ModelDataUrl").asText())
                        .isEqualTo(artifacts));

        client.resources(Endpoint.class)
                .inNamespace(NS)
                .withName("from-training")
                .delete();
        await("the Endpoint goes once SageMaker deleted what it made")
                .atMost(WAIT)
                .until(() -> get("from-training") == null);
        assertThat(requests("DeleteEndpoint", "EndpointName", endpointName)).isNotEmpty();
        assertThat(requests("DeleteEndpointConfig", "EndpointConfigName", config))
                .isNotEmpty();
        assertThat(requests("DeleteModel", "ModelName", models.get(0))).isNotEmpty();
        await().atMost(WAIT).until(() -> eventReasons("from-training").contains("Deleted"));
    }

    @Test
    void throttledCallsSetThrottledUntilSageMakerAnswersAgain() {
        SageMakerEmulatorResource.emulator.setFaults(new SageMakerEmulator.Faults(1.0, 0, Duration.ZERO));
        try {
            apply(endpoint("throttled", INLINE_MODEL));
            EndpointStatus throttled =
                    awaitStatus("throttled", "Throttled", s -> Conditions.isTrue(s.conditions, Condition.THROTTLED));
            assertThat(Conditions.find(throttled.conditions, Condition.THROTTLED).reason)
                    .isEqualTo("ThrottlingException");
            assertThat(Conditions.find(throttled.conditions, Condition.THROTTLED).message)
                    .startsWith("SageMaker");
        } finally {
            SageMakerEmulatorResource.emulator.setFaults(SageMakerEmulator.Faults.NONE);
        }
        EndpointStatus serving = awaitStatus("throttled", "InService", s -> s.phase == EndpointPhase.InService);
        assertThat(Conditions.find(serving.conditions, Condition.THROTTLED)).satisfies(c -> {
            assertThat(c.status).isEqualTo(ConditionStatus.False);
            assertThat(c.reason).isEqualTo("Answering");
        });
        assertThat(requests("CreateEndpoint", "EndpointName", serving.sagemaker.endpointName))
                .filteredOn(r -> r.path("status").asInt() == 200)
                .as("one endpoint, however often the calls were throttled")
                .hasSize(1);
        await().atMost(WAIT).until(() -> eventReasons("throttled").containsAll(List.of("Throttled", "InService")));
    }

    private void editModel(String name, String dataUri) {
        client.resources(Endpoint.class).inNamespace(NS).withName(name).edit(e -> {
            e.getSpec().model.dataUri = dataUri;
            return e;
        });
    }

    private static String createdModel(String dataUri) {
        return SageMakerEmulatorResource.emulator.requestLog().stream()
                .filter(r -> "CreateModel".equals(r.path("operation").asText()))
                .filter(r -> r.path("status").asInt() == 200)
                .filter(r -> dataUri.equals(
                        r.at("/request/PrimaryContainer/ModelDataUrl").asText()))
                .map(r -> r.at("/request/ModelName").asText())
                .findFirst()
                .orElse(null);
    }

    @Test
    void aModelCreatedForASpecReplacedBeforeItsRolloutStartedIsDeletedOnceTheEndpointIsInService() {
        apply(endpoint("replaced", INLINE_MODEL));
        awaitStatus("replaced", "InService", s -> s.phase == EndpointPhase.InService);
        String v2 = "s3://mlforge-examples/fraud/models/v2/model.tar.gz";
        String v3 = "s3://mlforge-examples/fraud/models/v3/model.tar.gz";
        // v2's model is created, then its config is refused (throttled) again and again: its rollout never starts,
        // as when an operator stops between the two calls
        SageMakerEmulatorResource.emulator.throttleNext("CreateEndpointConfig", 10_000);
        String v2Model;
        try {
            editModel("replaced", v2);
            await("v2's model created").atMost(WAIT).until(() -> createdModel(v2) != null);
            v2Model = createdModel(v2);
            awaitStatus("replaced", "Throttled", s -> Conditions.isTrue(s.conditions, Condition.THROTTLED));
            editModel("replaced", v3);
            await("v3's model created").atMost(WAIT).until(() -> createdModel(v3) != null);
        } finally {
            SageMakerEmulatorResource.emulator.throttleNext("CreateEndpointConfig", 0);
        }
        EndpointStatus serving = awaitStatus(
                "replaced",
                "InService with v3",
                s -> s.phase == EndpointPhase.InService
                        && s.sagemaker.modelNames != null
                        && s.sagemaker.modelNames.contains(createdModel(v3)));
        await("v2's model deleted")
                .atMost(WAIT)
                .until(() -> requests("DeleteModel", "ModelName", v2Model).stream()
                        .anyMatch(r -> r.path("status").asInt() == 200));
        EndpointStatus settled = awaitStatus(
                "replaced",
                "only what serves left in createdNames",
                s -> s.sagemaker.createdNames != null && !s.sagemaker.createdNames.contains(v2Model));
        assertThat(settled.sagemaker.createdNames)
                .containsExactlyInAnyOrder(serving.sagemaker.endpointConfigName, createdModel(v3));
    }
}
