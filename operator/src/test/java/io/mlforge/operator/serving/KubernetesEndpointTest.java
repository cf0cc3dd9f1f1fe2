package io.mlforge.operator.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.support.MlforgeCrdsSetup;
import io.mlforge.operator.support.SageMakerProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The Endpoint controller with backend Kubernetes against fabric8's mock API server (no controllers there: the test
 * plays the Deployment controller by writing Deployment status). The same sample runs end to end with real
 * controllers in EndpointE2ETest.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MlforgeCrdsSetup.class)
@TestProfile(SageMakerProfile.class)
class KubernetesEndpointTest {
    static final String NS = "serving-k8s";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Path SAMPLE = Path.of(System.getProperty("mlforge.repo.root", ".."))
            .resolve("config/samples/endpoint-weighted-variants.yaml");

    @Inject
    KubernetesClient client;

    private Endpoint get() {
        return client.resources(Endpoint.class)
                .inNamespace(NS)
                .withName("churn-model")
                .get();
    }

    private EndpointStatus awaitStatus(String what, Predicate<EndpointStatus> condition) {
        await("churn-model " + what)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Endpoint e = get();
                    return e != null && e.getStatus() != null && condition.test(e.getStatus());
                });
        return get().getStatus();
    }

    private List<String> deployments() {
        return client.apps().deployments().inNamespace(NS).list().getItems().stream()
                .map(d -> d.getMetadata().getName())
                .sorted()
                .toList();
    }

    /** What the Deployment controller would report once every replica of the current template is ready. */
    private void rolledOut(String name) {
        Deployment d =
                client.apps().deployments().inNamespace(NS).withName(name).get();
        int replicas = d.getSpec().getReplicas();
        d.setStatus(new DeploymentStatus());
        d.getStatus().setObservedGeneration(d.getMetadata().getGeneration());
        d.getStatus().setReplicas(replicas);
        d.getStatus().setUpdatedReplicas(replicas);
        d.getStatus().setReadyReplicas(replicas);
        d.getStatus().setAvailableReplicas(replicas);
        client.apps().deployments().inNamespace(NS).resource(d).updateStatus();
    }

    private List<String> eventReasons() {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "churn-model".equals(e.getInvolvedObject().getName()))
                .map(Event::getReason)
                .toList();
    }

    @Test
    void theWeightedSampleIsCreatedReportsReadinessRemovesAVariantAndOwnsItsObjectsWithoutAFinalizer()
            throws Exception {
        Endpoint sample = client.getKubernetesSerialization().unmarshal(Files.readString(SAMPLE), Endpoint.class);
        client.resources(Endpoint.class).inNamespace(NS).resource(sample).create();

        EndpointStatus creating =
                awaitStatus("Creating", s -> s.phase == EndpointPhase.Creating && "0/2".equals(s.readyVariants));
        assertThat(creating.url).isEqualTo("http://churn-model." + NS + ".svc:8080/invocations");
        assertThat(deployments()).containsExactly("churn-model-candidate", "churn-model-stable");
        assertThat(client.services().inNamespace(NS).list().getItems())
                .extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("churn-model", "churn-model-stable", "churn-model-candidate");
        assertThat(client.autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace(NS)
                        .list()
                        .getItems())
                .extracting(h -> h.getMetadata().getName())
                .containsExactly("churn-model-stable");
        Deployment stable = client.apps()
                .deployments()
                .inNamespace(NS)
                .withName("churn-model-stable")
                .get();
        assertThat(stable.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo("churn-model"));
        assertThat(stable.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("model-reader");

        rolledOut("churn-model-stable");
        rolledOut("churn-model-candidate");
        EndpointStatus ready = awaitStatus("InService", s -> s.phase == EndpointPhase.InService);
        assertThat(ready.readyVariants).isEqualTo("2/2");
        assertThat(ready.variants)
                .extracting(v -> v.name + " desired=" + v.desiredWeight + " current=" + v.currentWeight + " ready="
                        + v.readyInstances)
                .containsExactly(
                        "stable desired=0.9 current=0.667 ready=2", "candidate desired=0.1 current=0.333 ready=1");
        assertThat(Conditions.isTrue(ready.conditions, Condition.READY)).isTrue();

        client.resources(Endpoint.class).inNamespace(NS).withName("churn-model").edit(e -> {
            e.getSpec().variants.remove(1);
            return e;
        });
        await("candidate removed")
                .atMost(WAIT)
                .until(() -> deployments().equals(List.of("churn-model-stable"))
                        && client.services()
                                        .inNamespace(NS)
                                        .withName("churn-model-candidate")
                                        .get()
                                == null);
        EndpointStatus one = awaitStatus("one variant", s -> s.variants != null && s.variants.size() == 1);
        assertThat(one.variants.get(0).desiredWeight).isEqualTo(1.0);
        await().atMost(WAIT).until(() -> eventReasons().contains("VariantRemoved"));

        // no finalizer: the Endpoint goes at once and the garbage collector removes what it owns (this mock server has
        // none; on a real API server: EndpointE2ETest)
        assertThat(get().getMetadata().getFinalizers()).isEmpty();
        String uid = get().getMetadata().getUid();
        List<io.fabric8.kubernetes.api.model.HasMetadata> owned = new java.util.ArrayList<>();
        owned.addAll(client.apps().deployments().inNamespace(NS).list().getItems());
        owned.addAll(client.services().inNamespace(NS).list().getItems());
        owned.addAll(client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(NS)
                .list()
                .getItems());
        assertThat(owned)
                .hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(o -> assertThat(o.getMetadata().getOwnerReferences())
                        .singleElement()
                        .satisfies(ref -> {
                            assertThat(ref.getUid()).isEqualTo(uid);
                            assertThat(ref.getController()).isTrue();
                        }));
        client.resources(Endpoint.class).inNamespace(NS).withName("churn-model").delete();
        await("Endpoint gone").atMost(WAIT).until(() -> get() == null);
    }

    @Test
    void anEndpointWithTheFinalizerOfAnEarlierVersionHasItsObjectsDeletedBeforeItGoes() throws Exception {
        Endpoint legacy = client.getKubernetesSerialization().unmarshal(Files.readString(SAMPLE), Endpoint.class);
        legacy.getMetadata().setName("legacy");
        legacy.getMetadata().setFinalizers(List.of("endpoints.mlforge.io/finalizer"));
        client.resources(Endpoint.class).inNamespace(NS).resource(legacy).create();
        await("legacy objects")
                .atMost(WAIT)
                .until(() -> deployments().containsAll(List.of("legacy-candidate", "legacy-stable")));
        client.resources(Endpoint.class).inNamespace(NS).withName("legacy").delete();
        await("legacy Endpoint and its objects gone")
                .atMost(WAIT)
                .until(() -> client.resources(Endpoint.class)
                                        .inNamespace(NS)
                                        .withName("legacy")
                                        .get()
                                == null
                        && deployments().stream().noneMatch(d -> d.startsWith("legacy"))
                        && client.services().inNamespace(NS).list().getItems().stream()
                                .noneMatch(svc -> svc.getMetadata().getName().startsWith("legacy")));
    }
}
