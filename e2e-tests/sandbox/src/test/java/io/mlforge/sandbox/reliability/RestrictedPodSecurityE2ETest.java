package io.mlforge.sandbox.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlforge.controlplane.OperatorIdentity;
import io.mlforge.sandbox.Sandbox;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every pod MLForge creates, and the operator's own pod, passes the "restricted" Pod Security Standard, as the real
 * API server's PodSecurity admission enforces it on namespaces labelled
 * {@code pod-security.kubernetes.io/enforce=restricted}: a TrainingJob (two hosts, the data agent's init container
 * and upload sidecar), a TuningJob's trials and an in-cluster Endpoint (model download init container) all run to
 * their end there. A job that asks for root is refused by such a namespace with a condition that says why, and runs
 * in a namespace at the baseline level, as the README documents.
 */
class RestrictedPodSecurityE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final String RESTRICTED = "restricted-ml";
    private static final String BASELINE = "baseline-ml";
    private static final Duration WAIT = Duration.ofMinutes(3);

    private static Sandbox sandbox;
    private static KubernetesClient client;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(new Sandbox.Options(
                REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-pod-security"), 3, 4, 0.2, 0, true));
        client = sandbox.client();
        namespace(RESTRICTED, "restricted");
        namespace(BASELINE, "baseline");
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static void namespace(String name, String level) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .addToLabels("pod-security.kubernetes.io/enforce", level)
                        .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                        .endMetadata()
                        .build())
                .serverSideApply();
        // the default ServiceAccount the pods run as comes from kube-controller-manager
        await("default ServiceAccount in " + name)
                .atMost(Duration.ofSeconds(60))
                .until(() -> client.serviceAccounts()
                                .inNamespace(name)
                                .withName("default")
                                .get()
                        != null);
    }

    private static void apply(String namespace, String yaml) {
        client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .inNamespace(namespace)
                .serverSideApply();
    }

    private static Map<String, Object> status(ResourceDefinitionContext kind, String namespace, String name) {
        var resource = client.genericKubernetesResources(kind)
                .inNamespace(namespace)
                .withName(name)
                .get();
        Object status =
                resource == null ? null : resource.getAdditionalProperties().get("status");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return map;
    }

    private static void awaitPhase(ResourceDefinitionContext kind, String namespace, String name, String phase) {
        await(kind.getKind() + " " + namespace + "/" + name + " " + phase)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> phase.equals(status(kind, namespace, name).get("phase")));
    }

    @Test
    void trainingTuningAndServingPodsRunInARestrictedNamespace() {
        apply(RESTRICTED, """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: two-hosts}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "4"}
                  resources: {instanceCount: 2, gpusPerInstance: 1}
                  output: {uri: "s3://mlforge-examples/models/"}
                """);
        apply(RESTRICTED, """
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: search}
                spec:
                  strategy: Random
                  objective: {metricName: val_loss, type: Minimize}
                  parameters:
                    - {name: lr, type: Continuous, min: 0.001, max: 0.1, scaling: Logarithmic}
                  maxTrials: 2
                  maxParallelTrials: 2
                  randomSeed: 3
                  trainingJobTemplate:
                    spec:
                      image: mlforge/sandbox-trainer:latest
                      hyperParameters: {epochs: "3"}
                      resources: {gpusPerInstance: 1}
                      metrics: [{name: val_loss, regex: "val_loss=([0-9.]+)"}]
                """);
        apply(RESTRICTED, """
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: served}
                spec:
                  backend: Kubernetes
                  model:
                    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
                    dataUri: s3://mlforge-examples/churn/models/v3/model.tar.gz
                  variants:
                    - {name: primary, instanceCount: 2}
                """);
        awaitPhase(Sandbox.TRAINING_JOBS, RESTRICTED, "two-hosts", "Completed");
        awaitPhase(Sandbox.TUNING_JOBS, RESTRICTED, "search", "Completed");
        awaitPhase(Sandbox.ENDPOINTS, RESTRICTED, "served", "InService");

        List<Pod> pods = client.pods().inNamespace(RESTRICTED).list().getItems();
        assertThat(pods)
                .extracting(p -> p.getMetadata().getName())
                .as("2 training hosts, 2 trials and 2 serving replicas")
                .hasSizeGreaterThanOrEqualTo(6)
                .anyMatch(n -> n.startsWith("two-hosts-"))
                .anyMatch(n -> n.startsWith("search-"))
                .anyMatch(n -> n.startsWith("served-primary-"));
        // the training pod with the upload sidecar and the serving pods with the model download were admitted as is
        assertThat(pods)
                .filteredOn(p -> p.getMetadata().getName().startsWith("two-hosts-"))
                .anySatisfy(p -> assertThat(p.getSpec().getInitContainers())
                        .extracting(c -> c.getName())
                        .contains("data-sync"));
        assertThat(client.v1().events().inNamespace(RESTRICTED).list().getItems())
                .filteredOn(e -> !e.getInvolvedObject().getName().startsWith("served-as-root")) // the other test's
                .as("no controller was refused a pod")
                .noneMatch(e -> "FailedCreate".equals(e.getReason()));
    }

    @Test
    void aJobThatAsksForRootIsRefusedThereWithAConditionAndRunsAtTheBaselineLevel() {
        String rootJob = """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: as-root}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "3"}
                  resources: {gpusPerInstance: 1}
                  kubernetes:
                    podSecurityContext: {runAsUser: 0}
                """;
        apply(RESTRICTED, rootJob);
        await("as-root refused")
                .atMost(Duration.ofSeconds(60))
                .until(() -> "CreationBlocked".equals(readyReason(Sandbox.TRAINING_JOBS, RESTRICTED, "as-root")));
        assertThat(readyMessage(Sandbox.TRAINING_JOBS, RESTRICTED, "as-root"))
                .contains("violates PodSecurity \"restricted:latest\"")
                .contains("runAsNonRoot");

        apply(RESTRICTED, """
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: served-as-root}
                spec:
                  backend: Kubernetes
                  model: {image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"}
                  variants:
                    - {name: primary, instanceCount: 1}
                  kubernetes:
                    podSecurityContext: {runAsUser: 0}
                """);
        await("served-as-root refused")
                .atMost(Duration.ofSeconds(90))
                .until(() -> "PodCreationFailed".equals(readyReason(Sandbox.ENDPOINTS, RESTRICTED, "served-as-root")));
        assertThat(readyMessage(Sandbox.ENDPOINTS, RESTRICTED, "served-as-root"))
                .contains("variant primary")
                .contains("violates PodSecurity");

        apply(BASELINE, rootJob);
        awaitPhase(Sandbox.TRAINING_JOBS, BASELINE, "as-root", "Completed");
        Pod pod = client.pods().inNamespace(BASELINE).list().getItems().get(0);
        assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isZero();
        assertThat(pod.getSpec().getInitContainers())
                .as("the data agent never runs as root")
                .allSatisfy(c ->
                        assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue());
    }

    @Test
    void theOperatorsOwnPodIsAdmittedByARestrictedNamespace() {
        client.namespaces()
                .withName(OperatorIdentity.NAMESPACE)
                .edit(ns -> new NamespaceBuilder(ns)
                        .editMetadata()
                        .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                        .endMetadata()
                        .build());
        String rendered = new Helm(REPO.resolve("helm/mlforge-operator"))
                .template()
                .withName(OperatorIdentity.RELEASE)
                .withNamespace(OperatorIdentity.NAMESPACE)
                .withKubeVersion("1.37.2")
                .set("replicaCount", 1)
                .call();
        List<HasMetadata> objects = client.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8)))
                .items();
        Deployment deployment = objects.stream()
                .filter(Deployment.class::isInstance)
                .map(Deployment.class::cast)
                .findFirst()
                .orElseThrow();
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName("mlforge-operator-pss-check")
                .withNamespace(OperatorIdentity.NAMESPACE)
                .withLabels(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .endMetadata()
                .withSpec(deployment.getSpec().getTemplate().getSpec())
                .build();
        // the API server runs admission, PodSecurity included, on a dry run and stores nothing
        client.resource(pod).dryRun().create();

        // the check can fail: the same pod without the chart's security settings is refused
        Pod bare = new PodBuilder(pod)
                .editSpec()
                .withSecurityContext(null)
                .editFirstContainer()
                .withSecurityContext(null)
                .endContainer()
                .endSpec()
                .build();
        assertThatThrownBy(() -> client.resource(bare).dryRun().create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("violates PodSecurity");
    }

    private static String readyReason(ResourceDefinitionContext kind, String namespace, String name) {
        return String.valueOf(ready(kind, namespace, name).get("reason"));
    }

    private static String readyMessage(ResourceDefinitionContext kind, String namespace, String name) {
        return String.valueOf(ready(kind, namespace, name).get("message"));
    }

    private static Map<?, ?> ready(ResourceDefinitionContext kind, String namespace, String name) {
        if (status(kind, namespace, name).get("conditions") instanceof List<?> conditions) {
            for (Object c : conditions) {
                if (c instanceof Map<?, ?> condition && "Ready".equals(condition.get("type"))) {
                    return condition;
                }
            }
        }
        return Map.of();
    }
}
