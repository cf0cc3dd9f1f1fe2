package io.mlforge.operator.core;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** A second replica: leader election on, and another replica already holds the lease when it starts. */
public class StandbyReplicaProfile implements QuarkusTestProfile {
    static final String LEASE = "mlforge-standby-test";
    static final String OTHER_REPLICA = "other-replica";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.operator-sdk.namespaces",
                OperatorRuntimeProfile.WATCHED,
                "mlforge.leader-election.enabled",
                "true",
                "mlforge.leader-election.lease-namespace",
                OperatorRuntimeProfile.LEASE_NAMESPACE,
                "mlforge.leader-election.lease-name",
                LEASE,
                // a standby's informers are not running: that must never count as a lost watch
                "mlforge.health.watch-loss-limit",
                "1s");
    }
}
