package io.mlforge.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The distributions the benchmarks report: nearest-rank p50 and p95, and the maximum. */
class BenchTest {
    @Test
    void distributionsAreNearestRankOfTheSortedValues() {
        List<Double> seconds = new ArrayList<>();
        for (int i = 20; i >= 1; i--) {
            seconds.add(i / 10.0); // 2.0, 1.9, ... 0.1: unsorted on purpose
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        Bench.putDistribution(figures, "phase_lag", seconds);
        assertThat(figures)
                .containsEntry("phase_lag_p50_seconds", 1.0) // rank 10 of 20
                .containsEntry("phase_lag_p95_seconds", 1.9) // rank 19 of 20
                .containsEntry("phase_lag_max_seconds", 2.0);

        Map<String, Object> none = new LinkedHashMap<>();
        Bench.putDistribution(none, "phase_lag", List.of());
        assertThat(none).isEmpty();
        assertThat(Bench.percentile(List.of(), 0.5)).isNaN();
    }
}
