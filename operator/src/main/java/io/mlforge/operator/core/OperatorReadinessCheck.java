package io.mlforge.operator.core;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of this replica. It replaces the Operator SDK's own check (disabled in application.properties), which
 * reports DOWN whenever the operator has not started its controllers: that is the normal state of a standby replica
 * waiting for the lease, and marking standbys unready would stall the chart's rolling update (maxUnavailable 0).
 * Ready means: no controllers to run; or standby behind a leader; or leading with every informer healthy.
 */
@Readiness
@ApplicationScoped
public class OperatorReadinessCheck implements HealthCheck {
    static final String NAME = "mlforge-operator";

    @Inject
    Operator operator;

    @Inject
    Leadership leadership;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named(NAME).up().withData("controllers", operator.getRegisteredControllersNumber());
        if (operator.getRegisteredControllersNumber() == 0) {
            return response.withData("role", "idle").build();
        }
        boolean leaderElection = operator.getConfigurationService()
                .getLeaderElectionConfiguration()
                .isPresent();
        if (leaderElection && !leadership.isLeading()) {
            return response.withData("role", "standby").build();
        }
        response.withData("role", leaderElection ? "leader" : "single");
        RuntimeInfo runtime = operator.getRuntimeInfo();
        if (!runtime.isStarted()) {
            return response.down().withData("reason", "controllers not started").build();
        }
        if (!runtime.allEventSourcesAreHealthy()) {
            return response.down()
                    .withData(
                            "unhealthy",
                            String.join(",", runtime.unhealthyEventSources().keySet()))
                    .build();
        }
        return response.build();
    }
}
