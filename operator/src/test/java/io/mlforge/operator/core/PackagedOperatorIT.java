package io.mlforge.operator.core;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator (target/quarkus-app) started as its own process in the prod profile, pointed at the mock
 * API server: it boots with the shipped configuration and serves the probes and metrics the Helm chart uses.
 */
@QuarkusIntegrationTest
@WithKubernetesTestServer(crud = true)
class PackagedOperatorIT {
    @Test
    void probesTheChartUsesAnswerUp() {
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusEndpointServesJvmMetrics() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }
}
