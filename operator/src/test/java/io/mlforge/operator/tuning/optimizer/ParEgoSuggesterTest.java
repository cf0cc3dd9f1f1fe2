package io.mlforge.operator.tuning.optimizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlforge.api.v1alpha1.ParameterScaling;
import io.mlforge.api.v1alpha1.ParameterType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParEgoSuggesterTest {
    @Test
    void weightsLieOnTheSimplexAndDifferByTrial() {
        double[] a = ParEgoSuggester.weights(3, 1, 10);
        double[] b = ParEgoSuggester.weights(3, 1, 11);
        assertThat(a[0] + a[1] + a[2]).isCloseTo(1, within(1e-12));
        assertThat(java.util.Arrays.stream(a).boxed().toList())
                .allSatisfy(w -> assertThat(w).isBetween(0.0, 1.0));
        assertThat(a).isNotEqualTo(b);
        assertThat(ParEgoSuggester.weights(3, 1, 10)).isEqualTo(a); // reproducible
    }

    @Test
    void scalarisationNormalisesEachObjectiveAndTakesTheWeightedWorst() {
        List<Observation> completed = List.of(
                new Observation(Map.of("x", "0"), 0, List.of(0.0, 100.0)),
                new Observation(Map.of("x", "1"), 10, List.of(10.0, 0.0)),
                new Observation(Map.of("x", "2"), 5, List.of(5.0, 50.0)));
        List<Observation> s = ParEgoSuggester.scalarise(completed, new double[] {0.5, 0.5});
        // normalised: (0, 1), (1, 0), (0.5, 0.5): max term 0.5, 0.5, 0.25, plus 0.05 × the weighted sum
        assertThat(s.get(0).value()).isCloseTo(0.5 + 0.05 * 0.5, within(1e-12));
        assertThat(s.get(1).value()).isCloseTo(0.5 + 0.05 * 0.5, within(1e-12));
        assertThat(s.get(2).value()).isCloseTo(0.25 + 0.05 * 0.5, within(1e-12));
        assertThat(s.get(2).objectives()).isNull();
    }

    /** Two objectives pulling x1 to opposite ends: the search covers the trade-off, not one compromise. */
    @Test
    void suggestionsSpreadAlongTheFrontAndBeatRandomByHypervolume() {
        SearchSpace space = SearchSpace.of(List.of(
                TestFunctions.numeric("x1", ParameterType.Continuous, 0, 1, ParameterScaling.Linear),
                TestFunctions.numeric("x2", ParameterType.Continuous, 0, 1, ParameterScaling.Linear)));
        java.util.function.Function<Map<String, String>, double[]> f = c -> {
            double x1 = Double.parseDouble(c.get("x1"));
            double x2 = Double.parseDouble(c.get("x2"));
            double g = 1 + 4 * x2 * x2;
            return new double[] {x1 * g, (1 - x1) * g};
        };
        double parego = hypervolume(new ParEgoSuggester(space, null), f, 25);
        double random = hypervolume(new RandomSuggester(space, false), f, 25);
        // the front is x1 + y = 1 (x2 = 0): the hypervolume under reference (2, 2) is at most 4 − 0.5 = 3.5
        assertThat(parego).isGreaterThan(random).isGreaterThan(3.3);
    }

    private static double hypervolume(
            Suggester suggester, java.util.function.Function<Map<String, String>, double[]> f, int budget) {
        List<Observation> completed = new ArrayList<>();
        List<double[]> points = new ArrayList<>();
        java.util.Set<Map<String, String>> seen = new HashSet<>();
        for (int i = 0; i < budget; i++) {
            Map<String, String> next = suggester
                    .suggest(new SuggestionRequest(completed, List.of(), 1, 3, i))
                    .get(0);
            assertThat(seen.add(next)).as("suggestion %d is new", i).isTrue();
            double[] v = f.apply(next);
            points.add(v);
            completed.add(new Observation(next, v[0], List.of(v[0], v[1])));
        }
        return ParetoFront.hypervolume2d(points, new double[] {2, 2});
    }
}
