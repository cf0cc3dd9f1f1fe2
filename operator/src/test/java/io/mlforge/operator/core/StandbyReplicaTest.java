package io.mlforge.operator.core;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.operator.support.RealControlPlane;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * A replica that starts while another holds the lease (on a real API server, with the chart's permissions): ready
 * but idle, then takes over when the lease expires.
 */
@QuarkusTest
@QuarkusTestResource(
        value = RealControlPlane.class,
        restrictToAnnotatedClass = true,
        initArgs = {
            @ResourceArg(name = "namespaces", value = OperatorRuntimeProfile.WATCHED),
            @ResourceArg(name = "watchNamespaces", value = OperatorRuntimeProfile.WATCHED),
            @ResourceArg(name = "leaderElection", value = "true"),
            @ResourceArg(name = "leaseName", value = StandbyReplicaProfile.LEASE),
            @ResourceArg(name = "leaseHeldBy", value = StandbyReplicaProfile.OTHER_REPLICA)
        })
@TestProfile(StandbyReplicaProfile.class)
class StandbyReplicaTest {
    @RealControlPlane.Admin
    KubernetesClient client;

    @Test
    void standbyIsReadyAndIdleThenTakesOverAnExpiredLease() {
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> given().get("/q/health/ready")
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("UP"))
                        .body("checks.find { it.name == 'mlforge-operator' }.data.role", equalTo("standby")));

        client.pods()
                .inNamespace(OperatorRuntimeProfile.WATCHED)
                .resource(WatchProbeReconciler.probe("while-standby"))
                .create();
        // The standby keeps its hands off while the other replica's lease is valid (several retry periods), and stays
        // live although its informers do not run (the watch-loss limit is 1 s here).
        await().during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(20))
                .until(() -> !WatchProbeReconciler.seen(client, OperatorRuntimeProfile.WATCHED, "while-standby")
                        && given().get("/q/health/live").statusCode() == 200);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(StandbyReplicaProfile.OTHER_REPLICA);

        // The other replica dies: its lease is not renewed and runs out.
        client.leases()
                .inNamespace(OperatorRuntimeProfile.LEASE_NAMESPACE)
                .withName(StandbyReplicaProfile.LEASE)
                .edit(l -> {
                    l.getSpec().setLeaseDurationSeconds(1);
                    l.getSpec().setRenewTime(ZonedDateTime.now().minusMinutes(5));
                    return l;
                });

        await().atMost(Duration.ofSeconds(30))
                .until(() -> WatchProbeReconciler.seen(client, OperatorRuntimeProfile.WATCHED, "while-standby"));
        assertThat(lease().getSpec().getHolderIdentity()).isNotEqualTo(StandbyReplicaProfile.OTHER_REPLICA);
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'mlforge-operator' }.data.role", equalTo("leader"));
    }

    private io.fabric8.kubernetes.api.model.coordination.v1.Lease lease() {
        return client.leases()
                .inNamespace(OperatorRuntimeProfile.LEASE_NAMESPACE)
                .withName(StandbyReplicaProfile.LEASE)
                .get();
    }
}
