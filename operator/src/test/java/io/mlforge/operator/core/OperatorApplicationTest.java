package io.mlforge.operator.core;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator application against fabric8's mock API server over HTTP. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = LeaseAccessReviewSetup.class)
@TestProfile(OperatorRuntimeProfile.class)
class OperatorApplicationTest {
    @Inject
    KubernetesClient client;

    @Test
    void healthEndpointsReportUp() {
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'mlforge-operator' }.data.role", equalTo("leader")));
    }

    @Test
    void leaderElectionTakesTheConfiguredLease() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Lease lease = client.leases().inNamespace(OperatorRuntimeProfile.LEASE_NAMESPACE).withName("mlforge-test-leader").get();
            assertThat(lease).isNotNull();
            assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
        });
    }

    @Test
    void onlyTheWatchedNamespacesAreReconciled() {
        client.configMaps().inNamespace(OperatorRuntimeProfile.NOT_WATCHED).resource(probe("outside")).create();
        client.configMaps().inNamespace(OperatorRuntimeProfile.WATCHED).resource(probe("inside")).create();

        await().atMost(Duration.ofSeconds(30)).until(() -> seen(OperatorRuntimeProfile.WATCHED, "inside"));
        assertThat(seen(OperatorRuntimeProfile.NOT_WATCHED, "outside")).isFalse();
    }

    @Test
    void prometheusMetricsIncludeJvmAndOperatorMetrics() {
        client.configMaps().inNamespace(OperatorRuntimeProfile.WATCHED).resource(probe("metrics")).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> seen(OperatorRuntimeProfile.WATCHED, "metrics"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("operator_sdk_reconciliations")));
    }

    private boolean seen(String namespace, String name) {
        var cm = client.configMaps().inNamespace(namespace).withName(name).get();
        return cm != null && cm.getMetadata().getAnnotations() != null
                && "true".equals(cm.getMetadata().getAnnotations().get(WatchProbeReconciler.SEEN));
    }

    private static io.fabric8.kubernetes.api.model.ConfigMap probe(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).addToLabels(WatchProbeReconciler.LABEL, "true")
                .addToAnnotations("purpose", "watch-probe").endMetadata().addToData("k", "v").build();
    }
}
