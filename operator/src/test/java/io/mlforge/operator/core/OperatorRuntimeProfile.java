package io.mlforge.operator.core;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Runs the application as a two-replica deployment would: leader election on, a listed set of watched namespaces. */
public class OperatorRuntimeProfile implements QuarkusTestProfile {
    static final String WATCHED = "team-a";
    static final String NOT_WATCHED = "team-b";
    static final String LEASE_NAMESPACE = "mlforge-system";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.operator-sdk.namespaces",
                WATCHED,
                "mlforge.leader-election.enabled",
                "true",
                "mlforge.leader-election.lease-namespace",
                LEASE_NAMESPACE,
                "mlforge.leader-election.lease-name",
                "mlforge-test-leader");
    }
}
