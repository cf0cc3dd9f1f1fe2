package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.mlforge.controlplane.HelmCommand;
import io.mlforge.controlplane.OperatorIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Helm as users use it with MLForge on the real API server: the operator's chart upgraded while jobs run (nothing
 * lost, helm-java), and a team's own chart that ships a TrainingJob and a SageMaker Endpoint
 * (src/test/resources/user-chart), driven with the helm command line (Helm 4, built from the Go module proxy):
 * installed, upgraded to a new model image (one blue/green UpdateEndpoint, no new endpoint), rolled back to the first
 * revision (the previous model again), and uninstalled (the Endpoint's deletionPolicy Delete removes the SageMaker
 * endpoint).
 */
class HelmE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final Path USER_CHART = REPO.resolve("e2e-tests/sandbox/src/test/resources/user-chart");
    private static Sandbox sandbox;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(
                new Sandbox.Options(REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-helm"), 2, 8, 0.2, 0, true));
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static long sageMakerCalls(String operation, String endpointName) {
        return sandbox.sagemaker().requestLog().stream()
                .filter(r -> operation.equals(r.path("operation").asText()))
                .filter(r -> r.path("status").asInt(200) < 300)
                .filter(r -> endpointName.equals(r.at("/request/EndpointName").asText()))
                .count();
    }

    /** The image SageMaker serves for the Endpoint: its spec's generation in service, and the model created for it. */
    private static String servingImage(String name) {
        var endpoint = sandbox.client()
                .genericKubernetesResources(Sandbox.ENDPOINTS)
                .inNamespace("default")
                .withName(name)
                .get();
        Map<String, Object> status = sandbox.status(Sandbox.ENDPOINTS, name);
        if (endpoint == null
                || !"InService".equals(status.get("phase"))
                || !(status.get("sagemaker") instanceof Map<?, ?> sm)
                || sm.get("pendingEndpointConfigName") != null
                || !endpoint.getMetadata()
                        .getGeneration()
                        .equals(((Number) status.getOrDefault("observedGeneration", -1)).longValue())) {
            return "";
        }
        return sandbox.sagemaker().requestLog().stream()
                .filter(r -> "CreateModel".equals(r.path("operation").asText()))
                .filter(r -> r.path("status").asInt(200) < 300)
                .filter(r -> sm.get("modelNames") instanceof java.util.List<?> names
                        && names.contains(r.at("/request/ModelName").asText()))
                .map(r -> r.at("/request/PrimaryContainer/Image").asText())
                .findFirst()
                .orElse("");
    }

    @Test
    void aTeamsChartWithATrainingJobAndAnEndpointIsInstalledUpgradedRolledBackAndUninstalled() throws Exception {
        String image1 = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
        String image2 = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-2";
        // the helm command line, as the team runs it
        HelmCommand helm =
                new HelmCommand(sandbox.kubeconfig(), REPO.resolve("e2e-tests/sandbox/target/e2e-helm/helm-home"));
        String chart = USER_CHART.toString();
        helm.runOrFail("install", "churn", chart, "--namespace", "default");
        Awaitility.await("trained")
                .atMost(Duration.ofSeconds(120))
                .until(() -> "Completed"
                        .equals(sandbox.status(Sandbox.TRAINING_JOBS, "churn-train")
                                .get("phase")));
        Awaitility.await("serving image 1")
                .atMost(Duration.ofSeconds(120))
                .until(() -> servingImage("churn-serving").equals(image1));
        assertThat(sageMakerCalls("CreateEndpoint", "default-churn-serving")).isEqualTo(1);

        helm.runOrFail("upgrade", "churn", chart, "--namespace", "default", "--set", "modelImage=" + image2);
        Awaitility.await("serving image 2")
                .atMost(Duration.ofSeconds(180))
                .until(() -> servingImage("churn-serving").equals(image2));
        assertThat(sageMakerCalls("UpdateEndpoint", "default-churn-serving"))
                .as("one blue/green update")
                .isEqualTo(1);
        assertThat(sageMakerCalls("CreateEndpoint", "default-churn-serving")).isEqualTo(1);
        assertThat(sandbox.status(Sandbox.TRAINING_JOBS, "churn-train").get("attempt"))
                .as("the unchanged TrainingJob is not re-run")
                .isEqualTo(1);

        helm.runOrFail("rollback", "churn", "1", "--namespace", "default");
        Awaitility.await("serving image 1 again")
                .atMost(Duration.ofSeconds(180))
                .until(() -> servingImage("churn-serving").equals(image1));
        assertThat(sageMakerCalls("UpdateEndpoint", "default-churn-serving"))
                .as("the rollback is one more blue/green update")
                .isEqualTo(2);
        assertThat(sageMakerCalls("CreateEndpoint", "default-churn-serving")).isEqualTo(1);
        assertThat(sandbox.status(Sandbox.TRAINING_JOBS, "churn-train").get("attempt"))
                .isEqualTo(1);
        assertThat(helm.runOrFail("history", "churn", "--namespace", "default")).contains("Rollback to 1");

        helm.runOrFail("uninstall", "churn", "--namespace", "default");
        Awaitility.await("endpoint deleted on SageMaker")
                .atMost(Duration.ofSeconds(120))
                .until(() -> sageMakerCalls("DeleteEndpoint", "default-churn-serving") == 1
                        && sandbox.client()
                                        .genericKubernetesResources(Sandbox.ENDPOINTS)
                                        .inNamespace("default")
                                        .withName("churn-serving")
                                        .get()
                                == null);
        assertThat(sandbox.client()
                        .genericKubernetesResources(Sandbox.TRAINING_JOBS)
                        .inNamespace("default")
                        .withName("churn-train")
                        .get())
                .isNull();
    }

    @Test
    void upgradingTheOperatorsChartWhileJobsRunLosesNothing() {
        sandbox.applyYaml("""
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: during-upgrade}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "40"}
                  resources: {instanceCount: 1, gpusPerInstance: 1}
                """);
        Awaitility.await("running")
                .atMost(Duration.ofSeconds(60))
                .until(() -> "Running"
                        .equals(sandbox.status(Sandbox.TRAINING_JOBS, "during-upgrade")
                                .get("phase")));
        Helm.upgrade(REPO.resolve("helm/mlforge-operator").toString())
                .withName(OperatorIdentity.RELEASE)
                .withNamespace(OperatorIdentity.NAMESPACE)
                .withKubeConfig(sandbox.kubeconfig())
                .reuseValues()
                .set("logLevel", "DEBUG")
                .call();
        Awaitility.await("completed after the upgrade")
                .atMost(Duration.ofSeconds(120))
                .until(() -> "Completed"
                        .equals(sandbox.status(Sandbox.TRAINING_JOBS, "during-upgrade")
                                .get("phase")));
        assertThat(sandbox.status(Sandbox.TRAINING_JOBS, "during-upgrade").get("attempt"))
                .isEqualTo(1);
    }
}
