package io.mlforge.operator.tuning;

import io.mlforge.api.v1alpha1.CompletionCriteria;
import io.mlforge.api.v1alpha1.TrialPhase;
import io.mlforge.api.v1alpha1.TuningJobSpec;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningObjective;
import io.mlforge.api.v1alpha1.TuningPhase;
import io.mlforge.api.v1alpha1.TuningStrategy;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.tuning.optimizer.BayesianSuggester;
import io.mlforge.operator.tuning.optimizer.Hyperband;
import io.mlforge.operator.tuning.optimizer.MedianStoppingRule;
import io.mlforge.operator.tuning.optimizer.Observation;
import io.mlforge.operator.tuning.optimizer.ParetoFront;
import io.mlforge.operator.tuning.optimizer.SearchSpace;
import io.mlforge.operator.tuning.optimizer.Suggester;
import io.mlforge.operator.tuning.optimizer.SuggestionRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides the next step of an in-cluster search from its spec and its trials (pure): whether the search has ended
 * (stop, failures, target, no improvement, runtime, budget), which running trials to stop (median rule; everything
 * once the search ended), and which trials to start in the free slots (the strategy's suggestions, or Hyperband's
 * promotions and new configurations).
 */
public final class TuningPlanner {
    /** Reported steps a trial needs before the median rule may stop it. */
    static final int MEDIAN_RULE_WARMUP = 3;

    private TuningPlanner() {}

    /** Objective to minimise: the value itself, or its negation when maximising. */
    static double minimised(TuningObjective objective, double value) {
        return objective.type == TuningObjective.Direction.Maximize ? -value : value;
    }

    /** The objectives of a search: its one objective, or the two or three of a multi-objective search. */
    public static List<TuningObjective> objectives(TuningJobSpec spec) {
        return spec.objectives != null ? spec.objectives : List.of(spec.objective);
    }

    /** The objective of a single-objective search; the first of a multi-objective one (its trials' objectiveValue). */
    static TuningObjective primary(TuningJobSpec spec) {
        return objectives(spec).get(0);
    }

    public static boolean multiObjective(TuningJobSpec spec) {
        return spec.objectives != null;
    }

    /** The metric names of the objectives, in the spec's order. */
    public static List<String> objectiveMetrics(TuningJobSpec spec) {
        return objectives(spec).stream().map(o -> o.metricName).toList();
    }

    /** A trial's objectives, each to be minimised. */
    static double[] minimised(TuningJobSpec spec, Trial t) {
        List<TuningObjective> objectives = objectives(spec);
        double[] v = new double[objectives.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = minimised(objectives.get(i), t.objectives().get(i));
        }
        return v;
    }

    private static boolean result(Trial t) {
        return t.phase() == TrialPhase.Succeeded && t.objective() != null;
    }

    /**
     * Multi-objective searches: the succeeded trials no other trial matches or beats on every objective, ordered by
     * the first objective (best first); of trials with identical outcomes the earliest. Empty for one objective.
     */
    public static List<Trial> paretoFront(TuningJobSpec spec, List<Trial> trials) {
        if (!multiObjective(spec)) {
            return List.of();
        }
        List<Trial> results = trials.stream().filter(TuningPlanner::result).toList();
        List<double[]> points = results.stream().map(t -> minimised(spec, t)).toList();
        return ParetoFront.indices(points).stream().map(results::get).toList();
    }

    /** The best trial of a single-objective search; empty for a multi-objective one, which has a front instead. */
    public static Optional<Trial> best(TuningJobSpec spec, List<Trial> trials) {
        if (multiObjective(spec)) {
            return Optional.empty();
        }
        return trials.stream()
                .filter(t -> t.phase() == TrialPhase.Succeeded && t.objective() != null)
                .min(Comparator.comparingDouble((Trial t) -> minimised(primary(spec), t.objective()))
                        .thenComparingInt(Trial::index));
    }

    /** How many trials the search may create: maxTrials, and for Grid at most the grid. */
    static int budget(TuningJobSpec spec, SearchSpace space) {
        int max = spec.maxTrials == null ? Integer.MAX_VALUE : spec.maxTrials;
        if (spec.strategy == TuningStrategy.Grid) {
            return (int) Math.min(max, space.gridSize());
        }
        return max;
    }

    public static TuningPlan plan(
            TuningJobSpec spec,
            TuningJobStatus status,
            List<Trial> trials,
            List<Observation> warmStart,
            Suggester suggester,
            SearchSpace space,
            Instant now) {
        TuningPlan plan = new TuningPlan();
        List<Trial> active = trials.stream().filter(Trial::active).toList();
        String ended = status.completionReason != null
                ? status.completionReason
                : completion(
                        spec,
                        status,
                        trials,
                        space,
                        now,
                        suggester instanceof BayesianSuggester bayesian && bayesian.converged());
        if (ended != null) {
            plan.completionReason = ended;
            for (Trial t : active) {
                plan.stop.add(new TuningPlan.Stop(t.name(), "SearchEnded", "the search ended: " + ended));
            }
            plan.phase = !active.isEmpty()
                    ? TuningPhase.Stopping
                    : ended.equals("Stopped")
                            ? TuningPhase.Stopped
                            : ended.equals("MaxFailedTrialsExceeded")
                                            || trials.stream().noneMatch(TuningPlanner::result)
                                    ? TuningPhase.Failed
                                    : TuningPhase.Completed;
            plan.message = active.isEmpty()
                    ? "search ended: " + ended
                    : "search ended (" + ended + "), stopping " + active.size() + " trial(s)";
            return plan;
        }
        if (spec.earlyStopping == TuningJobSpec.EarlyStopping.Auto) {
            medianRule(spec, trials, plan);
        }
        int running = active.size() - plan.stop.size();
        int nextIndex = Math.max(
                status.nextTrialIndex == null ? 0 : status.nextTrialIndex,
                trials.stream().mapToInt(Trial::index).max().orElse(-1) + 1);
        int slots = (spec.maxParallelTrials == null ? 1 : spec.maxParallelTrials) - running;
        int remaining = budget(spec, space) - nextIndex;
        // Trials recorded in status but not yet seen (the cache lags behind a create) count as running: until they
        // show up nothing new starts, so maxParallelTrials holds and Hyperband never promotes a configuration twice.
        int count = unseen(status, trials) > 0 ? 0 : Math.max(0, Math.min(slots, remaining));
        if (count > 0) {
            if (spec.strategy == TuningStrategy.Hyperband) {
                hyperband(spec, trials, suggester, nextIndex, count, plan);
            } else {
                List<Observation> completed = new ArrayList<>(warmStart);
                trials.stream().filter(TuningPlanner::result).forEach(t -> {
                    double[] v = minimised(spec, t);
                    completed.add(new Observation(
                            t.parameters(),
                            v[0],
                            multiObjective(spec)
                                    ? java.util.Arrays.stream(v).boxed().toList()
                                    : null));
                });
                List<Map<String, String>> pending =
                        active.stream().map(Trial::parameters).toList();
                long seed = spec.randomSeed == null ? 0 : spec.randomSeed;
                List<Map<String, String>> next = suggester.suggest(
                        new SuggestionRequest(completed, pending, count, seed, nextIndex, warmStart.size()));
                for (int k = 0; k < next.size(); k++) {
                    plan.create.add(new TuningPlan.NewTrial(nextIndex + k, next.get(k), Map.of(), Map.of()));
                }
            }
        }
        plan.phase = TuningPhase.Running;
        plan.message = (running + plan.create.size()) + " trial(s) running, " + nextIndex + " created so far"
                + (multiObjective(spec)
                        ? ", Pareto front of " + paretoFront(spec, trials).size() + " trial(s)"
                        : best(spec, trials)
                                .map(b -> ", best " + b.objective() + " (" + b.name() + ")")
                                .orElse(""));
        return plan;
    }

    /** Why the search ends now, or null. */
    static String completion(
            TuningJobSpec spec,
            TuningJobStatus status,
            List<Trial> trials,
            SearchSpace space,
            Instant now,
            boolean converged) {
        if (Boolean.TRUE.equals(spec.stop)) {
            return "Stopped";
        }
        long failed =
                trials.stream().filter(t -> t.phase() == TrialPhase.Failed).count();
        if (spec.maxFailedTrials != null && failed > spec.maxFailedTrials) {
            return "MaxFailedTrialsExceeded";
        }
        CompletionCriteria criteria = spec.completionCriteria;
        Optional<Trial> best = best(spec, trials);
        if (criteria != null
                && criteria.targetObjectiveValue != null
                && best.isPresent()
                && minimised(primary(spec), best.get().objective())
                        <= minimised(primary(spec), criteria.targetObjectiveValue)) {
            return "TargetObjectiveReached";
        }
        if (criteria != null && criteria.maxTrialsWithoutImprovement != null) {
            List<Trial> succeeded = trials.stream()
                    .filter(TuningPlanner::result)
                    .sorted(Comparator.comparing((Trial t) -> t.completionTime() == null ? "" : t.completionTime())
                            .thenComparingInt(Trial::index))
                    .toList();
            // The last improvement: the best trial, or in a multi-objective search the last trial to join the front
            // (a front member that was later beaten was beaten by a newer trial that joined the front itself).
            int last = -1;
            if (best.isPresent()) {
                last = succeeded.indexOf(best.get());
            }
            for (Trial member : paretoFront(spec, trials)) {
                last = Math.max(last, succeeded.indexOf(member));
            }
            if (last >= 0 && succeeded.size() - 1 - last >= criteria.maxTrialsWithoutImprovement) {
                return "NotImproving";
            }
        }
        if (spec.maxRuntimeSeconds != null
                && status.startTime != null
                && !now.isBefore(Timestamps.parse(status.startTime).plus(Duration.ofSeconds(spec.maxRuntimeSeconds)))) {
            return "MaxRuntimeExceeded";
        }
        if (criteria != null && Boolean.TRUE.equals(criteria.stopOnConvergence) && converged) {
            return "Converged";
        }
        int created = Math.max(status.nextTrialIndex == null ? 0 : status.nextTrialIndex, trials.size());
        if (created >= budget(spec, space) && trials.stream().noneMatch(Trial::active) && unseen(status, trials) == 0) {
            return "MaxTrialsReached";
        }
        return null;
    }

    /** Trials the status says were created that the observed list does not hold (yet). */
    static int unseen(TuningJobStatus status, List<Trial> trials) {
        int recorded = status.nextTrialIndex == null ? 0 : status.nextTrialIndex;
        return recorded
                - (int) trials.stream().filter(t -> t.index() < recorded).count();
    }

    private static void medianRule(TuningJobSpec spec, List<Trial> trials, TuningPlan plan) {
        List<List<Double>> completed = trials.stream()
                .filter(t -> t.phase() == TrialPhase.Succeeded && !t.curve().isEmpty())
                .map(t ->
                        t.curve().stream().map(v -> minimised(primary(spec), v)).toList())
                .toList();
        MedianStoppingRule rule = new MedianStoppingRule(MEDIAN_RULE_WARMUP);
        for (Trial t : trials) {
            if (t.phase() == TrialPhase.Running
                    && !t.curve().isEmpty()
                    && rule.shouldStop(
                            t.curve().stream()
                                    .map(v -> minimised(primary(spec), v))
                                    .toList(),
                            completed)) {
                plan.stop.add(new TuningPlan.Stop(
                        t.name(),
                        "MedianRule",
                        "best " + primary(spec).metricName + " after "
                                + t.curve().size()
                                + " steps is worse than the median of the completed trials' running averages"));
            }
        }
    }

    private static void hyperband(
            TuningJobSpec spec, List<Trial> trials, Suggester random, int nextIndex, int count, TuningPlan plan) {
        var config = spec.hyperband;
        Hyperband hyperband = new Hyperband(
                config.minResource == null ? 1 : config.minResource,
                config.maxResource,
                config.eta == null ? 3 : config.eta);
        List<Hyperband.Trial> seen = new ArrayList<>();
        for (Trial t : trials) {
            if (t.hyperband() == null) {
                continue;
            }
            String key = TrialObserver.json(t.parameters());
            boolean promoted = trials.stream()
                    .anyMatch(o -> o.hyperband() != null
                            && o.hyperband()[0] == t.hyperband()[0]
                            && o.hyperband()[1] == t.hyperband()[1]
                            && o.hyperband()[2] == t.hyperband()[2] + 1
                            && TrialObserver.json(o.parameters()).equals(key));
            boolean finished = !t.active();
            Double value = t.phase() == TrialPhase.Succeeded && t.objective() != null
                    ? minimised(primary(spec), t.objective())
                    : null;
            seen.add(new Hyperband.Trial(
                    t.hyperband()[0], t.hyperband()[1], t.hyperband()[2], key, value, finished, promoted));
        }
        long seed = spec.randomSeed == null ? 0 : spec.randomSeed;
        for (int k = 0; k < count; k++) {
            int index = nextIndex + k;
            Hyperband.Decision d = hyperband.next(seen);
            Map<String, String> parameters = d.isNew()
                    ? random.suggest(new SuggestionRequest(List.of(), List.of(), 1, seed, index))
                            .get(0)
                    : TrialObserver.parameters(d.promote());
            String key = TrialObserver.json(parameters);
            if (!d.isNew()) {
                // mark the source promoted so the next slot of this plan does not promote it again
                for (int i = 0; i < seen.size(); i++) {
                    Hyperband.Trial s = seen.get(i);
                    if (s.round() == d.round()
                            && s.bracket() == d.bracket()
                            && s.rung() == d.rung() - 1
                            && s.configuration().equals(key)) {
                        seen.set(
                                i,
                                new Hyperband.Trial(
                                        s.round(),
                                        s.bracket(),
                                        s.rung(),
                                        s.configuration(),
                                        s.value(),
                                        s.finished(),
                                        true));
                    }
                }
            }
            seen.add(new Hyperband.Trial(d.round(), d.bracket(), d.rung(), key, null, false, false));
            plan.create.add(new TuningPlan.NewTrial(
                    index,
                    parameters,
                    Map.of(config.resourceParameter, Integer.toString(d.resource())),
                    Map.of(TuningLabels.HYPERBAND, d.round() + "/" + d.bracket() + "/" + d.rung())));
        }
    }
}
