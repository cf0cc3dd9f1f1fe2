package io.mlforge.operator.core;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives the Operator SDK its leader election configuration (it looks the bean up at start); {@code null} when
 * {@code mlforge.leader-election.enabled} is false, which leaves leader election off.
 */
public class LeaderElectionConfigurationProducer {
    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElectionConfiguration(
            LeaderElectionSettings settings,
            @ConfigProperty(name = "mlforge.pod-namespace") Optional<String> podNamespace,
            Leadership leadership) {
        return configuration(settings, podNamespace, leadership::onStartLeading, leadership::onStopLeading);
    }

    static LeaderElectionConfiguration configuration(
            LeaderElectionSettings settings,
            Optional<String> podNamespace,
            Runnable onStartLeading,
            Runnable onStopLeading) {
        if (!settings.enabled()) {
            return null;
        }
        LeaderElectionConfigurationBuilder builder = LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                        settings.leaseName())
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withExitOnStopLeading(false)
                .withLeaderCallbacks(new LeaderCallbacks(onStartLeading, onStopLeading, newLeader -> {}));
        // Unset: JOSDK falls back to the Kubernetes client's namespace (the service account's in a pod).
        settings.leaseNamespace().or(() -> podNamespace).ifPresent(builder::withLeaseNamespace);
        return builder.build();
    }
}
