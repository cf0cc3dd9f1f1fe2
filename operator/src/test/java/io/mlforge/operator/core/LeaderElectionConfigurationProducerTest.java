package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaderElectionConfigurationProducerTest {
    private record Settings(
            boolean enabled,
            String leaseName,
            Optional<String> leaseNamespace,
            Duration leaseDuration,
            Duration renewDeadline,
            Duration retryPeriod)
            implements LeaderElectionSettings {}

    private static Settings settings(boolean enabled, Optional<String> leaseNamespace) {
        return new Settings(
                enabled,
                "mlforge-operator-leader",
                leaseNamespace,
                Duration.ofSeconds(20),
                Duration.ofSeconds(12),
                Duration.ofSeconds(3));
    }

    @Test
    void disabledLeaderElectionProducesNoConfiguration() {
        assertThat(LeaderElectionConfigurationProducer.configuration(
                        settings(false, Optional.empty()), Optional.of("ns"), () -> {}, () -> {}))
                .isNull();
    }

    @Test
    void enabledLeaderElectionCarriesLeaseAndTiming() {
        LeaderElectionConfiguration configuration = LeaderElectionConfigurationProducer.configuration(
                settings(true, Optional.of("ops")), Optional.of("mlforge-system"), () -> {}, () -> {});
        assertThat(configuration.getLeaseName()).isEqualTo("mlforge-operator-leader");
        assertThat(configuration.getLeaseNamespace()).contains("ops");
        assertThat(configuration.getLeaseDuration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(configuration.getRenewDeadline()).isEqualTo(Duration.ofSeconds(12));
        assertThat(configuration.getRetryPeriod()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void losingTheLeaseRunsOurHandlerInsteadOfJosdksExit() {
        boolean[] called = {false};
        LeaderElectionConfiguration configuration = LeaderElectionConfigurationProducer.configuration(
                settings(true, Optional.empty()), Optional.empty(), () -> {}, () -> called[0] = true);
        assertThat(configuration.isExitOnStopLeading()).isFalse();
        configuration.getLeaderCallbacks().orElseThrow().onStopLeading();
        assertThat(called[0]).isTrue();
    }

    @Test
    void leaseNamespaceDefaultsToThePodNamespace() {
        assertThat(LeaderElectionConfigurationProducer.configuration(
                                settings(true, Optional.empty()), Optional.of("mlforge-system"), () -> {}, () -> {})
                        .getLeaseNamespace())
                .contains("mlforge-system");
        assertThat(LeaderElectionConfigurationProducer.configuration(
                                settings(true, Optional.empty()), Optional.empty(), () -> {}, () -> {})
                        .getLeaseNamespace())
                .isEmpty();
    }
}
