package io.mlforge.operator.tuning.optimizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoFrontTest {
    @Test
    void dominationNeedsAtLeastAsGoodEverywhereAndBetterSomewhere() {
        assertThat(ParetoFront.dominates(new double[] {1, 2}, new double[] {1, 3}))
                .isTrue();
        assertThat(ParetoFront.dominates(new double[] {1, 2}, new double[] {1, 2}))
                .isFalse();
        assertThat(ParetoFront.dominates(new double[] {1, 4}, new double[] {2, 3}))
                .isFalse();
        assertThat(ParetoFront.dominates(new double[] {0, 0, 1}, new double[] {0, 0, 2}))
                .isTrue();
    }

    @Test
    void theFrontKeepsTheNonDominatedOnceEachOrderedByTheFirstObjective() {
        List<double[]> points = List.of(
                new double[] {3, 1}, // front
                new double[] {2, 2}, // front
                new double[] {2.5, 2.5}, // dominated by (2, 2)
                new double[] {1, 3}, // front
                new double[] {2, 2}, // the same outcome again: listed once
                new double[] {4, 4}); // dominated
        assertThat(ParetoFront.indices(points)).containsExactly(3, 1, 0);
    }

    @Test
    void aBoundedFrontKeepsBothEndsAndSpreadsTheRest() {
        List<Integer> front = java.util.stream.IntStream.range(0, 101).boxed().toList();
        List<Integer> kept = ParetoFront.spread(front, 5);
        assertThat(kept).containsExactly(0, 25, 50, 75, 100);
        assertThat(ParetoFront.spread(List.of(1, 2), 5)).containsExactly(1, 2);
    }

    @Test
    void hypervolumeIsTheAreaBetweenTheFrontAndTheReference() {
        List<double[]> points = List.of(new double[] {1, 3}, new double[] {2, 2}, new double[] {3, 1});
        // staircase under reference (4, 4): 3×1 + 2×1 + 1×1
        assertThat(ParetoFront.hypervolume2d(points, new double[] {4, 4})).isCloseTo(6, within(1e-12));
        // dominated and outside points add nothing
        List<double[]> more = List.of(
                new double[] {1, 3}, new double[] {2, 2}, new double[] {3, 1}, new double[] {3, 3}, new double[] {5, 0
                });
        assertThat(ParetoFront.hypervolume2d(more, new double[] {4, 4})).isCloseTo(6, within(1e-12));
    }
}
