package io.mlforge.operator.core;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code mlforge.leader-election.*}: whether replicas of the operator elect a leader through a Lease, and its timing. */
@ConfigMapping(prefix = "mlforge.leader-election")
public interface LeaderElectionSettings {
    /** Elect a leader; only the leader reconciles. Needed with more than one replica. */
    @WithDefault("false")
    boolean enabled();

    /** Name of the coordination.k8s.io Lease. */
    @WithDefault("mlforge-operator-leader")
    String leaseName();

    /** Namespace of the Lease; defaults to the operator's own namespace (POD_NAMESPACE, or the client's namespace). */
    Optional<String> leaseNamespace();

    /** How long a lease is valid without renewal. */
    @WithDefault("15s")
    Duration leaseDuration();

    /** How long the leader keeps trying to renew before it gives up leadership. */
    @WithDefault("10s")
    Duration renewDeadline();

    /** Interval between attempts to acquire or renew the lease. */
    @WithDefault("2s")
    Duration retryPeriod();
}
