package io.mlforge.operator.tuning.optimizer;

import static io.mlforge.operator.tuning.optimizer.TestFunctions.categorical;
import static io.mlforge.operator.tuning.optimizer.TestFunctions.numeric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlforge.api.v1alpha1.ParameterScaling;
import io.mlforge.api.v1alpha1.ParameterType;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
    @Test
    void scalingsMapTheUnitIntervalAsSageMakerDefinesThem() {
        SearchSpace space = SearchSpace.of(List.of(
                numeric("lin", ParameterType.Continuous, 0, 10, ParameterScaling.Linear),
                numeric("log", ParameterType.Continuous, 1e-4, 1, ParameterScaling.Logarithmic),
                numeric("rev", ParameterType.Continuous, 0.9, 0.9999, ParameterScaling.ReverseLogarithmic)));
        Map<String, String> mid = space.decode(new double[] {0.5, 0.5, 0.5});
        assertThat(mid)
                .containsEntry("lin", "5")
                .containsEntry("log", "0.01")
                .containsEntry("rev", "0.996837722"); // 1 - x log-uniform, 6 digits of 1 - x: √(0.1 × 0.0001)
        assertThat(space.decode(new double[] {0, 0, 0}))
                .containsEntry("log", "0.0001")
                .containsEntry("rev", "0.9");
        assertThat(space.decode(new double[] {1, 1, 1}))
                .containsEntry("lin", "10")
                .containsEntry("log", "1")
                .containsEntry("rev", "0.9999");
    }

    @Test
    void encodeAndDecodeRoundTripForEveryScaling() {
        SearchSpace space = SearchSpace.of(List.of(
                numeric("lin", ParameterType.Continuous, -3, 7, ParameterScaling.Linear),
                numeric("log", ParameterType.Continuous, 1e-6, 10, ParameterScaling.Logarithmic),
                numeric("rev", ParameterType.Continuous, 0, 0.999, ParameterScaling.ReverseLogarithmic),
                numeric("auto", ParameterType.Continuous, 1e-3, 1, ParameterScaling.Auto)));
        for (double u = 0; u <= 1.0001; u += 0.125) {
            double[] unit = {u, u, u, u};
            double[] back = space.encode(space.decode(unit));
            for (double b : back) {
                assertThat(b).as("u=" + u + " " + space.decode(unit)).isCloseTo(Math.min(1, u), within(1e-5));
            }
        }
    }

    @Test
    void autoIsLogarithmicForRangesOverTwoOrdersOfMagnitude() {
        assertThat(SearchSpace.effectiveScaling(numeric("a", ParameterType.Continuous, 1e-3, 1, ParameterScaling.Auto)))
                .isEqualTo(ParameterScaling.Logarithmic);
        assertThat(SearchSpace.effectiveScaling(numeric("b", ParameterType.Continuous, 0.5, 1, ParameterScaling.Auto)))
                .isEqualTo(ParameterScaling.Linear);
        assertThat(SearchSpace.effectiveScaling(numeric("c", ParameterType.Continuous, 0, 100, ParameterScaling.Auto)))
                .isEqualTo(ParameterScaling.Linear);
    }

    @Test
    void integersRoundAndCategoricalsSplitTheIntervalEvenly() {
        SearchSpace space = SearchSpace.of(List.of(
                numeric("depth", ParameterType.Integer, 3, 10, ParameterScaling.Linear),
                categorical("booster", "gbtree", "dart", "gblinear")));
        assertThat(space.decode(new double[] {0.0, 0.0}))
                .containsEntry("depth", "3")
                .containsEntry("booster", "gbtree");
        assertThat(space.decode(new double[] {0.5, 0.5}))
                .containsEntry("depth", "7")
                .containsEntry("booster", "dart");
        assertThat(space.decode(new double[] {1.0, 0.999}))
                .containsEntry("depth", "10")
                .containsEntry("booster", "gblinear");
        assertThat(space.features(Map.of("depth", "10", "booster", "dart"))).containsExactly(1.0, 0.0, 1.0, 0.0);
    }

    @Test
    void theGridEnumeratesEveryCombinationOnceLastParameterFastest() {
        SearchSpace space = SearchSpace.of(List.of(
                numeric("depth", ParameterType.Integer, 3, 5, ParameterScaling.Linear),
                categorical("booster", "gbtree", "dart")));
        assertThat(space.gridSize()).isEqualTo(6);
        GridSuggester grid = new GridSuggester(space);
        List<Map<String, String>> all = grid.suggest(new SuggestionRequest(List.of(), List.of(), 10, 1, 0));
        assertThat(all)
                .containsExactly(
                        Map.of("depth", "3", "booster", "gbtree"),
                        Map.of("depth", "3", "booster", "dart"),
                        Map.of("depth", "4", "booster", "gbtree"),
                        Map.of("depth", "4", "booster", "dart"),
                        Map.of("depth", "5", "booster", "gbtree"),
                        Map.of("depth", "5", "booster", "dart"));
        assertThat(grid.suggest(new SuggestionRequest(List.of(), List.of(), 3, 1, 4)))
                .hasSize(2);
    }

    @Test
    void valuesAreFormattedAsTheirExactValueRoundedToSixSignificantDigitsWithoutBigIntegerArithmetic() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            double x = (random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble(-12, 12)) * random.nextDouble();
            BigDecimal exact = new BigDecimal(x).round(new MathContext(6)).stripTrailingZeros();
            String expected = Math.abs(x) >= 1e-4 && Math.abs(x) < 1e7 ? exact.toPlainString() : exact.toString();
            assertThat(SearchSpace.format(x, 6)).as("x=%s", x).isEqualTo(expected);
        }
        assertThat(SearchSpace.format(0.1, 6)).isEqualTo("0.1");
        assertThat(SearchSpace.format(2.5e-5, 6)).isEqualTo("0.000025");
        assertThat(SearchSpace.format(1.23456789e9, 6)).isEqualTo("1.23457E+9");
        assertThat(SearchSpace.format(999999.7, 6)).isEqualTo("1000000");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SearchSpace.format(Double.NaN, 6))
                .isInstanceOf(IllegalArgumentException.class);

        // the Bayesian suggester formats ~2,600 candidates per suggestion: the exact binary value of a small double
        // (new BigDecimal(x)) has dozens of digits and its rounding allocates BigIntegers, several kB per value
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] values = new double[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1e-5 * (1 + random.nextDouble());
        }
        long chars = 0;
        for (int round = 0; round < 20; round++) {
            for (double v : values) {
                chars += SearchSpace.format(v, 6).length(); // warm-up
            }
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (double v : values) {
            chars += SearchSpace.format(v, 6).length();
        }
        long perValue = (threads.getCurrentThreadAllocatedBytes() - before) / values.length;
        assertThat(chars).isPositive();
        assertThat(perValue).as("bytes allocated per formatted value").isLessThan(1_000);
    }
}
