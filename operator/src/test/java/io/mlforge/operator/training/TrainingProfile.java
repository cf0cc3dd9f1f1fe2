package io.mlforge.operator.training;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The operator watching all namespaces, one replica, metrics read every second. */
public class TrainingProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.operator-sdk.namespaces", "JOSDK_ALL_NAMESPACES",
                "mlforge.leader-election.enabled", "false",
                "mlforge.training.metrics-poll-interval", "1s",
                "mlforge.data-agent.image", "registry.example/mlforge-operator:test");
    }
}
