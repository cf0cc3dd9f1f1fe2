package io.mlforge.operator.tuning.optimizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlforge.api.v1alpha1.ParameterScaling;
import io.mlforge.api.v1alpha1.ParameterType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Optimizer quality on standard problems: simple regret (best so far − optimum) after 10/20/30/50/100 evaluations,
 * median and IQR over 20 seeds, sequential and with 4 parallel slots (the oldest running trial finishes first; the
 * others are pending when the next is suggested), and evaluations until within 1 % of the optimum (regret 0.01 for
 * problems whose optimum is 0). Random search gets up to 20,000 evaluations for that last figure. Prints
 * {@code name: value} lines and writes target/optimizer-benchmark.json.
 *
 * <p>Run: {@code ./mvnw -pl operator -am test -Dtest=OptimizerBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dbenchmark.optimizer=true};
 * {@code -Dbenchmark.problem}, {@code -Dbenchmark.strategy} and {@code -Dbenchmark.parallel} narrow it to one problem,
 * strategy or parallelism.
 */
@EnabledIfSystemProperty(named = "benchmark.optimizer", matches = "true")
class OptimizerBenchmark {
    static final int SEEDS = Integer.getInteger("benchmark.seeds", 20);
    static final int[] CHECKPOINTS = {10, 20, 30, 50, 100};
    static final int RANDOM_BUDGET_FOR_TOLERANCE = 20_000;

    /** One run: the best-so-far regret after each evaluation. */
    static double[] run(TestFunctions problem, Suggester suggester, long seed, int budget, int parallel) {
        double[] regret = new double[budget];
        List<Observation> completed = new ArrayList<>();
        Deque<Map<String, String>> running = new ArrayDeque<>();
        double best = Double.POSITIVE_INFINITY;
        long index = 0;
        for (int evaluation = 0; evaluation < budget; evaluation++) {
            while (running.size() < parallel && index < budget) {
                List<Map<String, String>> next =
                        suggester.suggest(new SuggestionRequest(completed, List.copyOf(running), 1, seed, index));
                if (next.isEmpty()) {
                    break;
                }
                running.addLast(next.get(0));
                index++;
            }
            Map<String, String> done = running.pollFirst();
            double value = problem.objective().applyAsDouble(done);
            completed.add(new Observation(done, value));
            best = Math.min(best, value);
            regret[evaluation] = best - problem.optimum();
        }
        return regret;
    }

    static void write(Map<String, Object> summary, String path) throws java.io.IOException {
        Path file = Path.of(path);
        Files.writeString(
                file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        System.out.println("summary: " + file.toAbsolutePath());
    }

    /** Linear interpolation between order statistics; infinite (never reached) when either neighbour is. */
    static double percentile(double[] sorted, double p) {
        double position = p * (sorted.length - 1);
        int lower = (int) Math.floor(position);
        int upper = Math.min(sorted.length - 1, lower + 1);
        if (Double.isInfinite(sorted[upper])) {
            return position == lower ? sorted[lower] : Double.POSITIVE_INFINITY;
        }
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    static int evaluationsToTolerance(double[] regret, double tolerance) {
        for (int i = 0; i < regret.length; i++) {
            if (regret[i] <= tolerance) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void benchmark() throws Exception {
        List<TestFunctions> problems = List.of(
                TestFunctions.branin(), TestFunctions.hartmann6(), TestFunctions.mixed(), TestFunctions.logScaled());
        Map<String, Function<TestFunctions, Suggester>> strategies = new LinkedHashMap<>();
        strategies.put("random", p -> new RandomSuggester(p.space(), false));
        strategies.put("bayesian", p -> new BayesianSuggester(p.space(), null));
        Map<String, Object> summary = new LinkedHashMap<>();
        String only = System.getProperty("benchmark.problem");
        for (TestFunctions problem : problems) {
            if (only != null && !only.equals(problem.name())) {
                continue;
            }
            for (var strategy : strategies.entrySet()) {
                String onlyStrategy = System.getProperty("benchmark.strategy");
                if (onlyStrategy != null && !onlyStrategy.equals(strategy.getKey())) {
                    continue;
                }
                for (int parallel : new int[] {1, 4}) {
                    if (strategy.getKey().equals("random") && parallel == 4) {
                        continue; // random search does not depend on parallelism
                    }
                    if (Integer.getInteger("benchmark.parallel", parallel) != parallel) {
                        continue;
                    }
                    String key = problem.name() + "." + strategy.getKey() + "."
                            + (parallel == 1 ? "sequential" : "parallel4");
                    boolean random = strategy.getKey().equals("random");
                    int budget = random ? RANDOM_BUDGET_FOR_TOLERANCE : problem.budget();
                    double[][] runs = new double[SEEDS][];
                    long start = System.nanoTime();
                    for (int seed = 0; seed < SEEDS; seed++) {
                        runs[seed] = run(
                                problem, strategy.getValue().apply(problem), seed + 1, budget, random ? 1 : parallel);
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    Map<String, Object> figures = new LinkedHashMap<>();
                    for (int checkpoint : CHECKPOINTS) {
                        if (checkpoint > problem.budget()) {
                            continue;
                        }
                        double[] at = Arrays.stream(runs)
                                .mapToDouble(r -> r[checkpoint - 1])
                                .sorted()
                                .toArray();
                        figures.put("regret_median_at_" + checkpoint, percentile(at, 0.5));
                        figures.put("regret_iqr_at_" + checkpoint, List.of(percentile(at, 0.25), percentile(at, 0.75)));
                    }
                    double[] reach = Arrays.stream(runs)
                            .mapToDouble(r -> {
                                int n = evaluationsToTolerance(r, problem.tolerance());
                                return n < 0 ? Double.POSITIVE_INFINITY : n;
                            })
                            .sorted()
                            .toArray();
                    figures.put("evaluations_to_1pct_median", percentile(reach, 0.5));
                    figures.put(
                            "runs_reaching_1pct",
                            Arrays.stream(reach).filter(Double::isFinite).count());
                    figures.put("seconds", Math.round(seconds * 10) / 10.0);
                    summary.put(key, figures);
                    figures.forEach((name, value) -> System.out.println(key + "." + name + ": " + value));
                }
            }
        }
        write(summary, "target/optimizer-benchmark.json");
    }

    /** Suggestion time of the Bayesian optimizer with 750 finished trials and 4 running (6 parameters, Hartmann-6). */
    @Test
    void suggestionTimeWith750Trials() {
        TestFunctions f = TestFunctions.hartmann6();
        List<Observation> history = new ArrayList<>();
        RandomSuggester random = new RandomSuggester(f.space(), true);
        for (Map<String, String> c : random.suggest(new SuggestionRequest(List.of(), List.of(), 754, 1, 0))) {
            history.add(new Observation(c, f.objective().applyAsDouble(c)));
        }
        List<Map<String, String>> pending =
                history.subList(750, 754).stream().map(Observation::parameters).toList();
        history = new ArrayList<>(history.subList(0, 750));
        // the worst case: a search that never stalled, its one segment holding all 750 (the model thinned to 250)
        BayesianSuggester bayes = new BayesianSuggester(f.space(), null, false);
        double[] millis = new double[20];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            Map<String, String> next = bayes.suggest(new SuggestionRequest(history, pending, 1, 1, 754 + i))
                    .get(0);
            millis[i] = (System.nanoTime() - start) / 1e6;
            history.add(new Observation(next, f.objective().applyAsDouble(next)));
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.println("suggestion_ms_with_750_trials.p50: " + Math.round(percentile(sorted, 0.5)));
        System.out.println("suggestion_ms_with_750_trials.p95: " + Math.round(percentile(sorted, 0.95)));
        System.out.println("suggestion_ms_with_750_trials.max: " + Math.round(sorted[sorted.length - 1]));
    }

    /** A two-objective test problem: both objectives minimised, the hypervolume's reference point and its maximum. */
    record TwoObjectives(
            String name,
            SearchSpace space,
            java.util.function.Function<Map<String, String>, double[]> objectives,
            double[] reference,
            double maxHypervolume,
            int budget) {}

    /** BraninCurrin on [0, 1]²: Branin (rescaled) against Currin's exponential function; reference (18, 6). */
    static TwoObjectives braninCurrin() {
        return new TwoObjectives(
                "branin-currin",
                SearchSpace.of(List.of(
                        TestFunctions.numeric("x1", ParameterType.Continuous, 0, 1, ParameterScaling.Linear),
                        TestFunctions.numeric("x2", ParameterType.Continuous, 0, 1, ParameterScaling.Linear))),
                c -> {
                    double u = Double.parseDouble(c.get("x1"));
                    double v = Double.parseDouble(c.get("x2"));
                    double x1 = 15 * u - 5;
                    double x2 = 15 * v;
                    double b = 5.1 / (4 * Math.PI * Math.PI);
                    double branin = Math.pow(x2 - b * x1 * x1 + 5 / Math.PI * x1 - 6, 2)
                            + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1)
                            + 10;
                    double factor = v == 0 ? 1 : 1 - Math.exp(-1 / (2 * v));
                    double currin = factor
                            * (2300 * u * u * u + 1900 * u * u + 2092 * u + 60)
                            / (100 * u * u * u + 500 * u * u + 4 * u + 20);
                    return new double[] {branin, currin};
                },
                new double[] {18, 6},
                59.36011874867746,
                50);
    }

    /** ZDT1 with 6 variables on [0, 1]⁶: a convex front f2 = 1 − √f1 where x2..x6 = 0; reference (11, 11). */
    static TwoObjectives zdt1() {
        List<io.mlforge.api.v1alpha1.TuningParameter> ps = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            ps.add(TestFunctions.numeric("x" + i, ParameterType.Continuous, 0, 1, ParameterScaling.Linear));
        }
        return new TwoObjectives(
                "zdt1",
                SearchSpace.of(ps),
                c -> {
                    double f1 = Double.parseDouble(c.get("x1"));
                    double sum = 0;
                    for (int i = 2; i <= 6; i++) {
                        sum += Double.parseDouble(c.get("x" + i));
                    }
                    double g = 1 + 9 * sum / 5;
                    return new double[] {f1, g * (1 - Math.sqrt(f1 / g))};
                },
                new double[] {11, 11},
                121 - 1.0 / 3,
                60);
    }

    /**
     * Multi-objective search (ParEGO) against Random by hypervolume, as a fraction of the problem's maximum, at fixed
     * budgets, sequentially, 20 seeds each; writes target/optimizer-benchmark-multiobjective.json.
     */
    @Test
    void multiObjectiveHypervolume() throws Exception {
        Map<String, Object> summary = new LinkedHashMap<>();
        for (TwoObjectives problem : List.of(braninCurrin(), zdt1())) {
            int[] checkpoints = {problem.budget() / 5 * 2, problem.budget() / 5 * 3, problem.budget()};
            for (String strategy : List.of("random", "parego")) {
                double[][] fraction = new double[checkpoints.length][SEEDS];
                long start = System.nanoTime();
                for (int seed = 0; seed < SEEDS; seed++) {
                    Suggester suggester = strategy.equals("random")
                            ? new RandomSuggester(problem.space(), false)
                            : new ParEgoSuggester(problem.space(), null);
                    List<Observation> completed = new ArrayList<>();
                    List<double[]> points = new ArrayList<>();
                    for (int evaluation = 0; evaluation < problem.budget(); evaluation++) {
                        Map<String, String> next = suggester
                                .suggest(new SuggestionRequest(completed, List.of(), 1, seed + 1, evaluation))
                                .get(0);
                        double[] v = problem.objectives().apply(next);
                        points.add(v);
                        completed.add(new Observation(next, v[0], List.of(v[0], v[1])));
                        for (int k = 0; k < checkpoints.length; k++) {
                            if (evaluation + 1 == checkpoints[k]) {
                                fraction[k][seed] = ParetoFront.hypervolume2d(points, problem.reference())
                                        / problem.maxHypervolume();
                            }
                        }
                    }
                }
                Map<String, Object> figures = new LinkedHashMap<>();
                for (int k = 0; k < checkpoints.length; k++) {
                    double[] sorted = fraction[k].clone();
                    Arrays.sort(sorted);
                    figures.put("hypervolume_fraction_median_at_" + checkpoints[k], percentile(sorted, 0.5));
                    figures.put(
                            "hypervolume_fraction_iqr_at_" + checkpoints[k],
                            List.of(percentile(sorted, 0.25), percentile(sorted, 0.75)));
                }
                figures.put("seconds", Math.round((System.nanoTime() - start) / 1e8) / 10.0);
                String key = problem.name() + "." + strategy;
                summary.put(key, figures);
                figures.forEach((name, value) -> System.out.println(key + "." + name + ": " + value));
            }
        }
        write(summary, "target/optimizer-benchmark-multiobjective.json");
    }

    /** Learning-curve problem: loss after r of R epochs approaches the configuration's final loss. */
    static double curve(Map<String, String> c, int r, int maxResource) {
        double decades = Math.log10(Double.parseDouble(c.get("lr")) / 0.01);
        double offset = switch (c.get("width")) {
            case "256" -> 0.0;
            case "128" -> 0.02;
            default -> 0.05;
        };
        double target = 0.05 + 0.3 * decades * decades + offset;
        return r >= maxResource ? target : target + (2 + target) * Math.exp(-3.0 * r / maxResource);
    }

    /**
     * Hyperband against Random on the learning-curve problem, by total epochs: the regret of the best configuration
     * run at the full 81 epochs after 500/1000/2000/4000 epochs spent (one slot), and the epochs until within 0.01.
     */
    @Test
    void hyperbandByTotalEpochs() {
        SearchSpace space = SearchSpace.of(List.of(
                TestFunctions.numeric(
                        "lr",
                        io.mlforge.api.v1alpha1.ParameterType.Continuous,
                        1e-5,
                        1,
                        io.mlforge.api.v1alpha1.ParameterScaling.Logarithmic),
                TestFunctions.categorical("width", "64", "128", "256")));
        int maxResource = 81;
        int budget = 8000;
        int[] checkpoints = {500, 1000, 2000, 4000, 8000};
        for (String strategy : List.of("random", "hyperband")) {
            double[][] regretAt = new double[checkpoints.length][SEEDS];
            double[] reach = new double[SEEDS];
            for (int seed = 0; seed < SEEDS; seed++) {
                RandomSuggester random = new RandomSuggester(space, false);
                Hyperband hyperband = new Hyperband(1, maxResource, 3);
                List<Hyperband.Trial> trials = new ArrayList<>();
                Map<String, Map<String, String>> configs = new LinkedHashMap<>();
                int spent = 0;
                double best = Double.POSITIVE_INFINITY;
                reach[seed] = Double.POSITIVE_INFINITY;
                for (long index = 0; spent < budget; index++) {
                    Map<String, String> config;
                    int resource;
                    Hyperband.Decision d = null;
                    if (strategy.equals("random")) {
                        config = random.suggest(new SuggestionRequest(List.of(), List.of(), 1, seed + 1, index))
                                .get(0);
                        resource = maxResource;
                    } else {
                        d = hyperband.next(trials);
                        config = d.isNew()
                                ? random.suggest(new SuggestionRequest(List.of(), List.of(), 1, seed + 1, index))
                                        .get(0)
                                : configs.get(d.promote());
                        resource = d.resource();
                    }
                    double value = curve(config, resource, maxResource);
                    String key = config.toString();
                    configs.put(key, config);
                    if (d != null) {
                        for (int i = 0; i < trials.size(); i++) {
                            Hyperband.Trial t = trials.get(i);
                            if (!d.isNew()
                                    && t.round() == d.round()
                                    && t.bracket() == d.bracket()
                                    && t.rung() == d.rung() - 1
                                    && t.configuration().equals(key)) {
                                trials.set(
                                        i,
                                        new Hyperband.Trial(
                                                t.round(),
                                                t.bracket(),
                                                t.rung(),
                                                t.configuration(),
                                                t.value(),
                                                true,
                                                true));
                            }
                        }
                        trials.add(new Hyperband.Trial(d.round(), d.bracket(), d.rung(), key, value, true, false));
                    }
                    for (int k = 0; k < checkpoints.length; k++) {
                        if (spent < checkpoints[k] && spent + resource >= checkpoints[k]) {
                            regretAt[k][seed] = best - 0.05;
                        }
                    }
                    spent += resource;
                    if (resource >= maxResource && value < best) {
                        best = value;
                    }
                    if (best - 0.05 <= 0.01 && Double.isInfinite(reach[seed])) {
                        reach[seed] = spent;
                    }
                }
            }
            for (int k = 0; k < checkpoints.length; k++) {
                double[] sorted = regretAt[k].clone();
                Arrays.sort(sorted);
                System.out.println("learning-curve." + strategy + ".regret_median_at_" + checkpoints[k] + "_epochs: "
                        + percentile(sorted, 0.5));
            }
            double[] sorted = reach.clone();
            Arrays.sort(sorted);
            System.out.println(
                    "learning-curve." + strategy + ".epochs_to_regret_0.01_median: " + percentile(sorted, 0.5));
        }
    }
}
