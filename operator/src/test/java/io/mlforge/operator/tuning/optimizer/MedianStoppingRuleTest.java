package io.mlforge.operator.tuning.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MedianStoppingRuleTest {
    final MedianStoppingRule rule = new MedianStoppingRule(2);
    // running averages at step 2: 1.5, 2.5, 9.5 → median 2.5 (the mean, 4.5, would be Katib's rule)
    final List<List<Double>> completed =
            List.of(List.of(2.0, 1.0, 0.5), List.of(3.0, 2.0, 1.0), List.of(10.0, 9.0, 8.0));

    @Test
    void stopsATrialWhoseBestIsWorseThanTheMedianOfRunningAverages() {
        assertThat(rule.shouldStop(List.of(4.0, 3.0), completed)).isTrue();
        assertThat(rule.shouldStop(List.of(4.0, 2.4), completed)).isFalse();
        assertThat(rule.shouldStop(List.of(2.6, 4.0), completed))
                .as("its best so far counts, not its latest")
                .isTrue();
    }

    @Test
    void usesTheMedianNotTheMean() {
        assertThat(rule.shouldStop(List.of(4.0, 4.0), completed))
                .as("4 > median 2.5 although < mean 4.5")
                .isTrue();
    }

    @Test
    void waitsForThreeCompletedTrialsAndTheWarmUp() {
        assertThat(rule.shouldStop(List.of(100.0, 100.0), completed.subList(0, 2)))
                .isFalse();
        assertThat(rule.shouldStop(List.of(100.0), completed)).isFalse();
    }

    @Test
    void shorterCompletedCurvesAverageAllTheirSteps() {
        assertThat(MedianStoppingRule.runningAverage(List.of(1.0, 3.0), 5)).isEqualTo(2.0);
        assertThat(MedianStoppingRule.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }
}
