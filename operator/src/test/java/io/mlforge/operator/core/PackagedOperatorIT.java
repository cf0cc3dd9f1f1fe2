package io.mlforge.operator.core;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.mlforge.agent.AgentPlan;
import io.mlforge.operator.dataagent.DataAgent;
import io.mlforge.operator.support.RealControlPlane;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator (target/quarkus-app) started as its own process in the prod profile, pointed at a real API
 * server where the chart is installed and authenticated as the chart's ServiceAccount: it boots with the shipped
 * configuration and serves the probes and metrics the Helm chart uses.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = RealControlPlane.class, restrictToAnnotatedClass = true)
class PackagedOperatorIT {
    @Test
    void probesTheChartUsesAnswerUp() {
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void dataAgentStartsFromThePackagedLayoutWithThePodsCommand(@TempDir Path tmp) throws Exception {
        List<String> command = new ArrayList<>();
        for (String part : DataAgent.COMMAND) {
            command.add(
                    part.equals("java")
                            ? Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString()
                            : part.replace(
                                    "/deployments/",
                                    Path.of("target/quarkus-app").toAbsolutePath() + "/"));
        }
        command.add("prepare");
        AgentPlan plan = new AgentPlan(
                "job-abc123-1",
                "algo-1",
                List.of("algo-1"),
                null,
                Map.of("epochs", "2"),
                List.of(),
                null,
                null,
                tmp.resolve("ml").toString(),
                60);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out").toFile());
        builder.environment().put(AgentPlan.ENV, plan.toJson());
        builder.environment()
                .put("MLFORGE_TERMINATION_LOG", tmp.resolve("termination-log").toString());
        Process agent = builder.start();
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(agent.exitValue()).as(Files.readString(tmp.resolve("out"))).isZero();
        assertThat(Files.readString(tmp.resolve("ml/input/config/hyperparameters.json")))
                .isEqualTo("{\"epochs\":\"2\"}");
    }

    @Test
    void prometheusEndpointServesJvmMetrics() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }
}
