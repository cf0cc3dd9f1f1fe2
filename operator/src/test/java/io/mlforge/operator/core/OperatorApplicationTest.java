package io.mlforge.operator.core;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.operator.support.RealControlPlane;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The operator application on a real API server, installed by the Helm chart for one watched namespace with leader
 * election on, and running with exactly the chart's permissions (namespaced Role, leader-election Role).
 */
@QuarkusTest
@QuarkusTestResource(
        value = RealControlPlane.class,
        restrictToAnnotatedClass = true,
        initArgs = {
            @ResourceArg(
                    name = "namespaces",
                    value = OperatorRuntimeProfile.WATCHED + "," + OperatorRuntimeProfile.NOT_WATCHED),
            @ResourceArg(name = "watchNamespaces", value = OperatorRuntimeProfile.WATCHED),
            @ResourceArg(name = "leaderElection", value = "true")
        })
@TestProfile(OperatorRuntimeProfile.class)
class OperatorApplicationTest {
    /** The test's own hands (the operator may not even read namespace team-b). */
    @RealControlPlane.Admin
    KubernetesClient client;

    /** The client the operator's reconcilers and informers use (the chart's permissions). */
    @Inject
    KubernetesClient operatorClient;

    @Test
    void theOperatorsClientDoesNotDecodeManagedFields() {
        Pod created = client.pods()
                .inNamespace(OperatorRuntimeProfile.WATCHED)
                .resource(WatchProbeReconciler.probe("managed-fields"))
                .create();
        assertThat(created.getMetadata().getManagedFields())
                .as("kube-apiserver records who wrote what")
                .isNotEmpty();

        Pod read = operatorClient
                .pods()
                .inNamespace(OperatorRuntimeProfile.WATCHED)
                .withLabel(WatchProbeReconciler.LABEL, "true")
                .list()
                .getItems()
                .stream()
                .filter(p -> p.getMetadata().getName().equals("managed-fields"))
                .findFirst()
                .orElseThrow();
        assertThat(read.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(read.getMetadata().getLabels()).containsEntry(WatchProbeReconciler.LABEL, "true");
        assertThat(read.getMetadata().getAdditionalProperties())
                .as("skipped, not kept aside")
                .doesNotContainKey("managedFields");
    }

    @Test
    void healthEndpointsReportUp() {
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/q/health/ready")
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("UP"))
                        .body("checks.find { it.name == 'mlforge-operator' }.data.role", equalTo("leader")));
    }

    @Test
    void leaderElectionTakesTheConfiguredLease() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Lease lease = client.leases()
                    .inNamespace(OperatorRuntimeProfile.LEASE_NAMESPACE)
                    .withName("mlforge-test-leader")
                    .get();
            assertThat(lease).isNotNull();
            assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
        });
    }

    @Test
    void onlyTheWatchedNamespacesAreReconciled() {
        client.pods()
                .inNamespace(OperatorRuntimeProfile.NOT_WATCHED)
                .resource(WatchProbeReconciler.probe("outside"))
                .create();
        client.pods()
                .inNamespace(OperatorRuntimeProfile.WATCHED)
                .resource(WatchProbeReconciler.probe("inside"))
                .create();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> WatchProbeReconciler.seen(client, OperatorRuntimeProfile.WATCHED, "inside"));
        assertThat(WatchProbeReconciler.seen(client, OperatorRuntimeProfile.NOT_WATCHED, "outside"))
                .isFalse();
    }

    @Test
    void prometheusMetricsIncludeJvmAndOperatorMetrics() {
        client.pods()
                .inNamespace(OperatorRuntimeProfile.WATCHED)
                .resource(WatchProbeReconciler.probe("metrics"))
                .create();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> WatchProbeReconciler.seen(client, OperatorRuntimeProfile.WATCHED, "metrics"));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> given().get("/q/metrics")
                        .then()
                        .statusCode(200)
                        .body(containsString("jvm_memory_used_bytes"))
                        .body(containsString("operator_sdk_reconciliations")));
    }
}
