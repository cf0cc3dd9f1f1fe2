package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WatchLossTest {
    private static final Instant T0 = Instant.parse("2026-12-02T07:33:00Z");

    @Test
    void nothingUnwatchedIsNothing() {
        WatchLoss loss = new WatchLoss();
        loss.observe(Set.of(), T0);
        assertThat(loss.longest(T0)).isEmpty();
    }

    @Test
    void aSourceCountsFromTheFirstObservationItWasUnhealthyUntilItWatchesAgain() {
        WatchLoss loss = new WatchLoss();
        loss.observe(Set.of("trainingjob/pods"), T0);
        loss.observe(Set.of("trainingjob/pods", "endpoint/services"), T0.plusSeconds(30));
        assertThat(loss.longest(T0.plusSeconds(400))).contains(Map.entry("trainingjob/pods", Duration.ofSeconds(400)));

        loss.observe(Set.of("endpoint/services"), T0.plusSeconds(410)); // pods watch again
        assertThat(loss.longest(T0.plusSeconds(410))).contains(Map.entry("endpoint/services", Duration.ofSeconds(380)));

        loss.observe(Set.of(), T0.plusSeconds(420));
        loss.observe(Set.of("trainingjob/pods"), T0.plusSeconds(430)); // a new loss starts from zero
        assertThat(loss.longest(T0.plusSeconds(440))).contains(Map.entry("trainingjob/pods", Duration.ofSeconds(10)));
    }
}
