package io.mlforge.operator.tuning.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuggesterTest {
    private static List<Observation> observe(TestFunctions f, List<Map<String, String>> configs) {
        return configs.stream()
                .map(c -> new Observation(c, f.objective().applyAsDouble(c)))
                .toList();
    }

    @Test
    void randomAndSobolAreReproducibleBySeedAndDifferAcrossSeeds() {
        SearchSpace space = TestFunctions.branin().space();
        for (boolean quasi : new boolean[] {false, true}) {
            RandomSuggester random = new RandomSuggester(space, quasi);
            var a = random.suggest(new SuggestionRequest(List.of(), List.of(), 5, 42, 0));
            var b = new RandomSuggester(space, quasi).suggest(new SuggestionRequest(List.of(), List.of(), 5, 42, 0));
            var c = random.suggest(new SuggestionRequest(List.of(), List.of(), 5, 43, 0));
            assertThat(a).isEqualTo(b).doesNotContainAnyElementsOf(c).doesNotHaveDuplicates();
            // trial i gets the same values whether suggested alone or in a batch
            assertThat(random.suggest(new SuggestionRequest(List.of(), List.of(), 1, 42, 3)))
                    .containsExactly(a.get(3));
        }
    }

    @Test
    void bayesianSuggestionsAreReproducibleGivenTheSameHistoryAndSeed() {
        TestFunctions f = TestFunctions.branin();
        List<Observation> history = observe(
                f, new RandomSuggester(f.space(), true).suggest(new SuggestionRequest(List.of(), List.of(), 8, 7, 0)));
        var first = new BayesianSuggester(f.space(), null).suggest(new SuggestionRequest(history, List.of(), 2, 7, 8));
        var second = new BayesianSuggester(f.space(), null).suggest(new SuggestionRequest(history, List.of(), 2, 7, 8));
        assertThat(first).isEqualTo(second).hasSize(2);
    }

    @Test
    void parallelSuggestionsDoNotCollapseOntoOnePoint() {
        TestFunctions f = TestFunctions.branin();
        List<Observation> history = observe(
                f, new RandomSuggester(f.space(), true).suggest(new SuggestionRequest(List.of(), List.of(), 10, 3, 0)));
        List<Map<String, String>> batch =
                new BayesianSuggester(f.space(), null).suggest(new SuggestionRequest(history, List.of(), 4, 3, 10));
        assertThat(batch).hasSize(4).doesNotHaveDuplicates();
        double minDistance = Double.MAX_VALUE;
        for (int i = 0; i < batch.size(); i++) {
            for (int j = i + 1; j < batch.size(); j++) {
                double[] a = f.space().encode(batch.get(i));
                double[] b = f.space().encode(batch.get(j));
                minDistance = Math.min(minDistance, Math.hypot(a[0] - b[0], a[1] - b[1]));
            }
        }
        assertThat(minDistance)
                .as("kriging believer: each pending point lowers the acquisition around it")
                .isGreaterThan(0.01);
        // a running trial is taken into account the same way: the next suggestion avoids it
        List<Map<String, String>> next = new BayesianSuggester(f.space(), null)
                .suggest(new SuggestionRequest(history, List.of(batch.get(0)), 1, 3, 11));
        assertThat(next.get(0)).isNotEqualTo(batch.get(0));
    }

    @Test
    void bayesianBeatsRandomOnBraninWithinThirtyEvaluations() {
        TestFunctions f = TestFunctions.branin();
        double bayes = best(f, new BayesianSuggester(f.space(), null), 30);
        double random = best(f, new RandomSuggester(f.space(), false), 30);
        assertThat(bayes - f.optimum()).isLessThan(0.05).isLessThan(random - f.optimum());
    }

    @Test
    void aFiniteSpaceIsNeverSuggestedTwiceAndRunsOut() {
        TestFunctions mixed = TestFunctions.mixed();
        SearchSpace small = SearchSpace.of(
                List.of(TestFunctions.categorical("a", "x", "y"), TestFunctions.categorical("b", "p", "q")));
        BayesianSuggester bayes = new BayesianSuggester(small, 2);
        List<Observation> done = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            var c = bayes.suggest(new SuggestionRequest(done, List.of(), 1, 1, i));
            assertThat(c).hasSize(1);
            done.add(new Observation(c.get(0), i));
        }
        assertThat(done.stream().map(Observation::parameters)).doesNotHaveDuplicates();
        assertThat(bayes.suggest(new SuggestionRequest(done, List.of(), 1, 1, 4)))
                .isEmpty();
        assertThat(mixed.space().size()).isEqualTo(3);
    }

    private static double best(TestFunctions f, Suggester s, int budget) {
        List<Observation> done = new ArrayList<>();
        for (int i = 0; i < budget; i++) {
            Map<String, String> c =
                    s.suggest(new SuggestionRequest(done, List.of(), 1, 11, i)).get(0);
            done.add(new Observation(c, f.objective().applyAsDouble(c)));
        }
        return done.stream().mapToDouble(Observation::value).min().orElseThrow();
    }

    @Test
    void convergesOnceTheModelExpectsNoFurtherImprovement() {
        SearchSpace line = SearchSpace.of(List.of(TestFunctions.numeric(
                "x",
                io.mlforge.api.v1alpha1.ParameterType.Continuous,
                0,
                1,
                io.mlforge.api.v1alpha1.ParameterScaling.Linear)));
        BayesianSuggester bayes = new BayesianSuggester(line, 3);
        List<Observation> done = new ArrayList<>();
        boolean convergedEarly = false;
        for (int i = 0; i < 40 && !bayes.converged(); i++) {
            Map<String, String> c = bayes.suggest(new SuggestionRequest(done, List.of(), 1, 5, i))
                    .get(0);
            double x = Double.parseDouble(c.get("x"));
            done.add(new Observation(c, (x - 0.3) * (x - 0.3)));
            convergedEarly |= i < 5 && bayes.converged();
        }
        assertThat(convergedEarly).as("not during the initial design").isFalse();
        assertThat(bayes.converged())
                .as("a smooth one-dimensional bowl is settled within 40 trials")
                .isTrue();
        assertThat(done.stream().mapToDouble(Observation::value).min().orElseThrow())
                .isLessThan(1e-4);
    }

    private static List<Observation> values(double... values) {
        List<Observation> list = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            list.add(new Observation(Map.of("x", Integer.toString(i)), values[i]));
        }
        return list;
    }

    private static double[] improving(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 100 - i;
        }
        return v;
    }

    @Test
    void aSearchThatStallsRestartsInANewSegmentAndOneThatImprovesDoesNot() {
        BayesianSuggester bayes =
                new BayesianSuggester(TestFunctions.hartmann6().space(), null); // design 12
        assertThat(bayes.segmentStart(values(improving(60)), 0)).isZero();

        double[] stalled = new double[40];
        for (int i = 0; i < stalled.length; i++) {
            stalled[i] = i < 10 ? 100 - 10 * i : 50 + i; // best 10 at trial 9, nothing better after it
        }
        // stalled since trial 9, but a segment runs at least 25 trials: cut after trial 24
        assertThat(bayes.segmentStart(values(stalled), 0)).isEqualTo(25);
        // a tiny gain (below 0.1 % of the best value) is no improvement
        stalled[20] = 10 - 1e-6;
        assertThat(bayes.segmentStart(values(stalled), 0)).isEqualTo(25);
        stalled[20] = 5; // a real one: 8 more trials without one needed, after trial 28
        assertThat(bayes.segmentStart(values(stalled), 0)).isEqualTo(29);
        assertThat(bayes.segmentStart(values(stalled), 0, 4))
                .as("4 running: 4 more")
                .isEqualTo(33);
        assertThat(new BayesianSuggester(TestFunctions.hartmann6().space(), null, false)
                        .segmentStart(values(stalled), 0))
                .as("restarts off")
                .isZero();
    }

    @Test
    void warmStartObservationsStayInTheFirstSegment() {
        BayesianSuggester bayes =
                new BayesianSuggester(TestFunctions.hartmann6().space(), null);
        double[] flat = new double[40];
        java.util.Arrays.fill(flat, 1.0);
        flat[0] = 0.0;
        // 30 prior observations that never improved: only the 10 own trials count, fewer than 25
        assertThat(bayes.segmentStart(values(flat), 30)).isZero();
        assertThat(bayes.segmentStart(values(flat), 0)).isEqualTo(25);
    }

    @Test
    void aRestartedSegmentBeginsWithItsOwnSobolDesign() {
        TestFunctions f = TestFunctions.hartmann6();
        BayesianSuggester bayes = new BayesianSuggester(f.space(), null);
        List<Observation> done = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Map<String, String> c = f.space().decode(QuasiRandom.sobol(6, 1, i));
            done.add(new Observation(c, i == 0 ? -3.0 : -1.0)); // the first is best, nothing improves on it
        }
        assertThat(bayes.segmentStart(done, 0)).isEqualTo(25);
        // the new segment is empty: its first restartDesign() suggestions are the Sobol points of their indices
        for (int k = 0; k < bayes.restartDesign(); k++) {
            Map<String, String> next = bayes.suggest(new SuggestionRequest(done, List.of(), 1, 1, 25 + k))
                    .get(0);
            assertThat(next).isEqualTo(f.space().decode(QuasiRandom.sobol(6, 1, 25 + k)));
            done.add(new Observation(next, -1.0));
        }
    }

    @Test
    void theBestCandidatesAreThoseAStableSortByDescendingScoreWouldPutFirst() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int trial = 0; trial < 500; trial++) {
            List<double[]> items = new ArrayList<>();
            int n = random.nextInt(0, 40);
            for (int i = 0; i < n; i++) {
                // few distinct values, so ties are common; a NaN now and then, which Double.compare puts highest
                double v = random.nextInt(10) == 0 ? Double.NaN : random.nextInt(-3, 4);
                items.add(new double[] {v, i});
            }
            int k = random.nextInt(1, 7);
            List<double[]> sorted = new ArrayList<>(items);
            sorted.sort(
                    java.util.Comparator.<double[]>comparingDouble(a -> a[0]).reversed());
            List<double[]> expected = sorted.subList(0, Math.min(k, sorted.size()));
            assertThat(BayesianSuggester.best(items, a -> a[0], k)).containsExactlyElementsOf(expected);
        }
    }
}
