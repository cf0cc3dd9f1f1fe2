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

    public static Optional<Trial> best(TuningJobSpec spec, List<Trial> trials) {
        return trials.stream()
                .filter(t -> t.phase() == TrialPhase.Succeeded && t.objective() != null)
                .min(Comparator.comparingDouble((Trial t) -> minimised(spec.objective, t.objective()))
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
                                            || best(spec, trials).isEmpty()
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
                trials.stream()
                        .filter(t -> t.phase() == TrialPhase.Succeeded && t.objective() != null)
                        .forEach(t -> completed.add(
                                new Observation(t.parameters(), minimised(spec.objective, t.objective()))));
                List<Map<String, String>> pending =
                        active.stream().map(Trial::parameters).toList();
                long seed = spec.randomSeed == null ? 0 : spec.randomSeed;
                List<Map<String, String>> next =
                        suggester.suggest(new SuggestionRequest(completed, pending, count, seed, nextIndex));
                for (int k = 0; k < next.size(); k++) {
                    plan.create.add(new TuningPlan.NewTrial(nextIndex + k, next.get(k), Map.of(), Map.of()));
                }
            }
        }
        plan.phase = TuningPhase.Running;
        plan.message = (running + plan.create.size()) + " trial(s) running, " + nextIndex + " created so far"
                + best(spec, trials)
                        .map(b -> ", best " + b.objective() + " (" + b.name() + ")")
                        .orElse("");
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
                && minimised(spec.objective, best.get().objective())
                        <= minimised(spec.objective, criteria.targetObjectiveValue)) {
            return "TargetObjectiveReached";
        }
        if (criteria != null && criteria.maxTrialsWithoutImprovement != null && best.isPresent()) {
            List<Trial> succeeded = trials.stream()
                    .filter(t -> t.phase() == TrialPhase.Succeeded && t.objective() != null)
                    .sorted(Comparator.comparing((Trial t) -> t.completionTime() == null ? "" : t.completionTime())
                            .thenComparingInt(Trial::index))
                    .toList();
            int since = succeeded.size() - 1 - succeeded.indexOf(best.get());
            if (since >= criteria.maxTrialsWithoutImprovement) {
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
                .map(t -> t.curve().stream()
                        .map(v -> minimised(spec.objective, v))
                        .toList())
                .toList();
        MedianStoppingRule rule = new MedianStoppingRule(MEDIAN_RULE_WARMUP);
        for (Trial t : trials) {
            if (t.phase() == TrialPhase.Running
                    && !t.curve().isEmpty()
                    && rule.shouldStop(
                            t.curve().stream()
                                    .map(v -> minimised(spec.objective, v))
                                    .toList(),
                            completed)) {
                plan.stop.add(new TuningPlan.Stop(
                        t.name(),
                        "MedianRule",
                        "best " + spec.objective.metricName + " after "
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
                    ? minimised(spec.objective, t.objective())
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
