package io.mlforge.operator.tuning.optimizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.hipparchus.special.Erf;
import org.junit.jupiter.api.Test;

class LogExpectedImprovementTest {
    private static double naiveH(double z) {
        return Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) + z * 0.5 * Erf.erfc(-z / Math.sqrt(2));
    }

    @Test
    void matchesTheClosedFormWhereItIsRepresentable() {
        for (double z = -20; z <= 5; z += 0.25) {
            double naive = naiveH(z);
            if (naive > 1e-250) {
                assertThat(LogExpectedImprovement.logH(z))
                        .as("z=" + z)
                        .isCloseTo(Math.log(naive), within(1e-6 * Math.max(1, Math.abs(Math.log(naive)))));
            }
        }
    }

    @Test
    void staysFiniteAndMonotoneWhereEiUnderflows() {
        double previous = Double.NEGATIVE_INFINITY;
        for (double z = -1e4; z < 0; z += z < -100 ? 50 : 0.5) {
            double v = LogExpectedImprovement.logH(z);
            assertThat(v).isFinite().isGreaterThan(previous);
            previous = v;
        }
        assertThat(naiveH(-40)).as("the closed form underflows").isZero();
        assertThat(LogExpectedImprovement.logH(-40))
                .isCloseTo(-800 - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(40), within(0.01));
    }
}
