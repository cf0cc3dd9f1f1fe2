package io.mlforge.operator.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.api.v1alpha1.CompletionCriteria;
import io.mlforge.api.v1alpha1.HyperbandConfig;
import io.mlforge.api.v1alpha1.ParameterType;
import io.mlforge.api.v1alpha1.TrialPhase;
import io.mlforge.api.v1alpha1.TuningJobSpec;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningObjective;
import io.mlforge.api.v1alpha1.TuningParameter;
import io.mlforge.api.v1alpha1.TuningPhase;
import io.mlforge.api.v1alpha1.TuningStrategy;
import io.mlforge.operator.tuning.optimizer.SearchSpace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TuningPlannerTest {
    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    static TuningJobSpec spec(TuningStrategy strategy) {
        TuningJobSpec spec = new TuningJobSpec();
        TuningParameter lr = new TuningParameter();
        lr.name = "lr";
        lr.type = ParameterType.Continuous;
        lr.min = 0.001;
        lr.max = 0.1;
        spec.parameters = List.of(lr);
        spec.objective = new TuningObjective();
        spec.objective.metricName = "val_loss";
        spec.objective.type = TuningObjective.Direction.Minimize;
        spec.strategy = strategy;
        spec.maxTrials = 5;
        spec.maxParallelTrials = 3;
        spec.randomSeed = 7;
        spec.earlyStopping = TuningJobSpec.EarlyStopping.Disabled;
        return spec;
    }

    static Trial trial(int index, TrialPhase phase, Double objective, List<Double> curve) {
        return new Trial(
                index,
                "t-" + index,
                Map.of("lr", "0.0" + (index + 1)),
                phase,
                objective,
                curve,
                null,
                null,
                "2026-11-21T09:0" + index + ":00Z",
                null,
                objective == null ? null : List.of(objective));
    }

    static TuningPlan plan(TuningJobSpec spec, TuningJobStatus status, List<Trial> trials) {
        SearchSpace space = SearchSpace.of(spec.parameters);
        return TuningPlanner.plan(spec, status, trials, List.of(), SuggesterFactory.of(spec, space), space, NOW);
    }

    @Test
    void aNewSearchFillsItsParallelSlots() {
        TuningPlan plan = plan(spec(TuningStrategy.Random), new TuningJobStatus(), List.of());
        assertThat(plan.create).extracting(TuningPlan.NewTrial::index).containsExactly(0, 1, 2);
        assertThat(plan.create)
                .extracting(t -> t.parameters().keySet())
                .allSatisfy(k -> assertThat(k).containsExactly("lr"));
        assertThat(plan.phase).isEqualTo(TuningPhase.Running);
    }

    @Test
    void freeSlotsGetTheNextIndicesUpToMaxTrials() {
        TuningJobStatus status = new TuningJobStatus();
        status.nextTrialIndex = 4;
        List<Trial> trials = List.of(
                trial(0, TrialPhase.Succeeded, 1.0, List.of()),
                trial(1, TrialPhase.Running, null, List.of()),
                trial(2, TrialPhase.Succeeded, 2.0, List.of()),
                trial(3, TrialPhase.Failed, null, List.of()));
        TuningPlan plan = plan(spec(TuningStrategy.Random), status, trials);
        assertThat(plan.create)
                .extracting(TuningPlan.NewTrial::index)
                .as("two slots free, one trial of the budget left")
                .containsExactly(4);
    }

    @Test
    void theMedianRuleStopsARunningTrialBehindTheCompletedOnes() {
        TuningJobSpec spec = spec(TuningStrategy.Random);
        spec.earlyStopping = TuningJobSpec.EarlyStopping.Auto;
        List<Trial> trials = List.of(
                trial(0, TrialPhase.Succeeded, 0.5, List.of(2.0, 1.0, 0.5)),
                trial(1, TrialPhase.Succeeded, 0.6, List.of(2.0, 1.2, 0.6)),
                trial(2, TrialPhase.Succeeded, 0.4, List.of(1.8, 0.9, 0.4)),
                trial(3, TrialPhase.Running, null, List.of(5.0, 4.0, 3.9)),
                trial(4, TrialPhase.Running, null, List.of(1.0, 0.8, 0.7)));
        TuningPlan plan = plan(spec, new TuningJobStatus(), trials);
        assertThat(plan.stop)
                .extracting(TuningPlan.Stop::name, TuningPlan.Stop::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("t-3", "MedianRule"));
    }

    @Test
    void reachingTheTargetStopsTheRestAndCompletes() {
        TuningJobSpec spec = spec(TuningStrategy.Random);
        spec.completionCriteria = new CompletionCriteria();
        spec.completionCriteria.targetObjectiveValue = 0.3;
        List<Trial> trials = new ArrayList<>(List.of(
                trial(0, TrialPhase.Succeeded, 0.25, List.of()), trial(1, TrialPhase.Running, null, List.of())));
        TuningPlan ending = plan(spec, new TuningJobStatus(), trials);
        assertThat(ending.completionReason).isEqualTo("TargetObjectiveReached");
        assertThat(ending.phase).isEqualTo(TuningPhase.Stopping);
        assertThat(ending.stop).extracting(TuningPlan.Stop::name).containsExactly("t-1");
        assertThat(ending.create).isEmpty();
        trials.set(1, trial(1, TrialPhase.Stopped, null, List.of()));
        TuningJobStatus status = new TuningJobStatus();
        status.completionReason = ending.completionReason;
        assertThat(plan(spec, status, trials).phase).isEqualTo(TuningPhase.Completed);
    }

    @Test
    void noImprovementForNTrialsEndsTheSearch() {
        TuningJobSpec spec = spec(TuningStrategy.Random);
        spec.maxTrials = 100;
        spec.completionCriteria = new CompletionCriteria();
        spec.completionCriteria.maxTrialsWithoutImprovement = 3;
        List<Trial> trials = List.of(
                trial(0, TrialPhase.Succeeded, 0.2, List.of()),
                trial(1, TrialPhase.Succeeded, 0.5, List.of()),
                trial(2, TrialPhase.Succeeded, 0.4, List.of()));
        assertThat(plan(spec, new TuningJobStatus(), trials).completionReason).isNull();
        List<Trial> more = new ArrayList<>(trials);
        more.add(trial(3, TrialPhase.Succeeded, 0.3, List.of()));
        assertThat(plan(spec, new TuningJobStatus(), more).completionReason).isEqualTo("NotImproving");
    }

    @Test
    void theBudgetEndsTheSearchOnceAllTrialsFinished() {
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            trials.add(
                    trial(i, i == 4 ? TrialPhase.Running : TrialPhase.Succeeded, i == 4 ? null : 1.0 + i, List.of()));
        }
        assertThat(plan(spec(TuningStrategy.Random), new TuningJobStatus(), trials).completionReason)
                .isNull();
        trials.set(4, trial(4, TrialPhase.Succeeded, 0.5, List.of()));
        TuningPlan done = plan(spec(TuningStrategy.Random), new TuningJobStatus(), trials);
        assertThat(done.completionReason).isEqualTo("MaxTrialsReached");
        assertThat(done.phase).isEqualTo(TuningPhase.Completed);
        assertThat(TuningPlanner.best(spec(TuningStrategy.Random), trials))
                .hasValueSatisfying(b -> assertThat(b.index()).isEqualTo(4));
    }

    @Test
    void tooManyFailuresFailTheSearch() {
        TuningJobSpec spec = spec(TuningStrategy.Random);
        spec.maxFailedTrials = 1;
        List<Trial> trials =
                List.of(trial(0, TrialPhase.Failed, null, List.of()), trial(1, TrialPhase.Failed, null, List.of()));
        TuningPlan plan = plan(spec, new TuningJobStatus(), trials);
        assertThat(plan.completionReason).isEqualTo("MaxFailedTrialsExceeded");
        assertThat(plan.phase).isEqualTo(TuningPhase.Failed);
    }

    @Test
    void maximisingPicksTheLargestObjective() {
        TuningJobSpec spec = spec(TuningStrategy.Random);
        spec.objective.type = TuningObjective.Direction.Maximize;
        List<Trial> trials =
                List.of(trial(0, TrialPhase.Succeeded, 0.7, List.of()), trial(1, TrialPhase.Succeeded, 0.9, List.of()));
        assertThat(TuningPlanner.best(spec, trials))
                .hasValueSatisfying(b -> assertThat(b.objective()).isEqualTo(0.9));
    }

    @Test
    void hyperbandStartsBottomRungTrialsWithTheirResourceThenPromotesTheBest() {
        TuningJobSpec spec = spec(TuningStrategy.Hyperband);
        spec.maxTrials = 50;
        spec.maxParallelTrials = 3;
        spec.hyperband = new HyperbandConfig();
        spec.hyperband.resourceParameter = "epochs";
        spec.hyperband.maxResource = 9;
        TuningPlan first = plan(spec, new TuningJobStatus(), List.of());
        assertThat(first.create)
                .extracting(t -> t.extraHyperParameters().get("epochs"))
                .containsExactly("1", "1", "1");
        assertThat(first.create)
                .extracting(t -> t.annotations().get(TuningLabels.HYPERBAND))
                .containsOnly("0/2/0");
        List<Trial> trials = new ArrayList<>();
        double[] values = {0.9, 0.3, 0.6};
        for (int i = 0; i < 3; i++) {
            var t = first.create.get(i);
            trials.add(new Trial(
                    i,
                    "t-" + i,
                    t.parameters(),
                    TrialPhase.Succeeded,
                    values[i],
                    List.of(),
                    null,
                    null,
                    null,
                    new int[] {0, 2, 0},
                    List.of(values[i])));
        }
        TuningPlan second = plan(spec, new TuningJobStatus(), trials);
        assertThat(second.create.get(0).parameters())
                .as("the best of three moves up a rung")
                .isEqualTo(first.create.get(1).parameters());
        assertThat(second.create.get(0).extraHyperParameters()).containsEntry("epochs", "3");
        assertThat(second.create.get(0).annotations()).containsEntry(TuningLabels.HYPERBAND, "0/2/1");
        assertThat(second.create.subList(1, 3))
                .extracting(t -> t.annotations().get(TuningLabels.HYPERBAND))
                .containsOnly("0/2/0");
    }

    @Test
    void gridRunsEveryCombinationAndNoMore() {
        TuningJobSpec spec = spec(TuningStrategy.Grid);
        TuningParameter depth = new TuningParameter();
        depth.name = "depth";
        depth.type = ParameterType.Integer;
        depth.min = 1.0;
        depth.max = 2.0;
        spec.parameters = List.of(depth);
        spec.maxTrials = null;
        TuningPlan plan = plan(spec, new TuningJobStatus(), List.of());
        assertThat(plan.create)
                .extracting(TuningPlan.NewTrial::parameters)
                .containsExactly(Map.of("depth", "1"), Map.of("depth", "2"));
    }

    @Test
    void warmStartObservationsLetTheModelChooseFromTheFirstTrial() {
        TuningJobSpec spec = spec(TuningStrategy.Bayesian);
        spec.maxParallelTrials = 1;
        SearchSpace space = SearchSpace.of(spec.parameters);
        // the parents found that lr near 0.02 is best (objective (log10(lr/0.02))^2)
        List<io.mlforge.operator.tuning.optimizer.Observation> parents = new ArrayList<>();
        for (double lr : new double[] {0.001, 0.003, 0.01, 0.015, 0.03, 0.06, 0.1}) {
            double v = Math.pow(Math.log10(lr / 0.02), 2);
            parents.add(new io.mlforge.operator.tuning.optimizer.Observation(Map.of("lr", Double.toString(lr)), v));
        }
        TuningPlan cold = TuningPlanner.plan(
                spec, new TuningJobStatus(), List.of(), List.of(), SuggesterFactory.of(spec, space), space, NOW);
        TuningPlan warm = TuningPlanner.plan(
                spec, new TuningJobStatus(), List.of(), parents, SuggesterFactory.of(spec, space), space, NOW);
        double coldLr = Double.parseDouble(cold.create.get(0).parameters().get("lr"));
        double warmLr = Double.parseDouble(warm.create.get(0).parameters().get("lr"));
        assertThat(warmLr)
                .as("the first trial goes where the parents' results point")
                .isBetween(0.01, 0.04);
        assertThat(warmLr)
                .as("not the quasi-random first point of a cold start")
                .isNotEqualTo(coldLr);
    }

    @Test
    void trialsRecordedButNotYetSeenCountAsRunning() {
        TuningJobStatus status = new TuningJobStatus();
        status.nextTrialIndex = 3; // trials 0..2 were created; the cache shows only trial 0 so far
        TuningJobSpec spec = spec(TuningStrategy.Random);
        spec.maxTrials = 3;
        TuningPlan plan = plan(spec, status, List.of(trial(0, TrialPhase.Succeeded, 1.0, List.of())));
        assertThat(plan.create).as("no trial beyond maxParallelTrials").isEmpty();
        assertThat(plan.completionReason)
                .as("the budget is spent but two trials have not been seen finishing")
                .isNull();
        assertThat(plan.phase).isEqualTo(TuningPhase.Running);
    }

    /** accuracy (Maximize) against latency (Minimize). */
    static TuningJobSpec multiObjective() {
        TuningJobSpec spec = spec(TuningStrategy.Bayesian);
        spec.objective = null;
        TuningObjective accuracy = new TuningObjective();
        accuracy.metricName = "accuracy";
        accuracy.type = TuningObjective.Direction.Maximize;
        TuningObjective latency = new TuningObjective();
        latency.metricName = "latency";
        latency.type = TuningObjective.Direction.Minimize;
        spec.objectives = List.of(accuracy, latency);
        spec.maxTrials = 10;
        spec.maxParallelTrials = 1;
        return spec;
    }

    static Trial measured(int index, double accuracy, double latency) {
        return new Trial(
                index,
                "t-" + index,
                Map.of("lr", "0.0" + (index + 1)),
                TrialPhase.Succeeded,
                accuracy,
                List.of(),
                null,
                null,
                "2026-11-21T09:0" + index + ":00Z",
                null,
                List.of(accuracy, latency));
    }

    @Test
    void aMultiObjectiveSearchKeepsTheParetoFrontInEachObjectivesDirection() {
        TuningJobSpec spec = multiObjective();
        List<Trial> trials = List.of(
                measured(0, 0.90, 30), // front: the most accurate
                measured(1, 0.80, 10), // front: the fastest
                measured(2, 0.85, 20), // front: a compromise
                measured(3, 0.80, 25), // beaten by trial 2 on both
                measured(4, 0.85, 20)); // the same outcome as trial 2: trial 2 stands for it
        assertThat(TuningPlanner.paretoFront(spec, trials))
                .extracting(Trial::index)
                .containsExactly(0, 2, 1);
        assertThat(TuningPlanner.best(spec, trials)).isEmpty();

        TuningJobStatus status = new TuningJobStatus();
        TuningPlan plan = plan(spec, status, trials);
        assertThat(plan.create).hasSize(1);
        assertThat(plan.message).contains("Pareto front of 3 trial(s)");
        TuningStatus.update(spec, status, trials, plan, 50, 1L, NOW);
        assertThat(status.bestTrial).isNull();
        assertThat(status.paretoFrontSize).isEqualTo(3);
        assertThat(status.paretoFront).extracting(t -> t.name).containsExactly("t-0", "t-2", "t-1");
        assertThat(status.paretoFront.get(0).objectiveValues)
                .containsExactly(Map.entry("accuracy", 0.90), Map.entry("latency", 30.0));
        assertThat(status.trials.get(3).objectiveValues).containsEntry("latency", 25.0);
    }

    @Test
    void aMultiObjectiveSearchStopsWhenNoTrialJoinedTheFrontForMaxTrialsWithoutImprovement() {
        TuningJobSpec spec = multiObjective();
        spec.completionCriteria = new CompletionCriteria();
        spec.completionCriteria.maxTrialsWithoutImprovement = 3;
        List<Trial> trials = new ArrayList<>(
                List.of(measured(0, 0.90, 30), measured(1, 0.80, 10), measured(2, 0.70, 40), measured(3, 0.75, 35)));
        TuningJobStatus status = new TuningJobStatus();
        status.nextTrialIndex = 4;
        assertThat(plan(spec, status, trials).completionReason).isNull(); // two since trial 1 joined
        trials.add(measured(4, 0.60, 50));
        status.nextTrialIndex = 5;
        TuningPlan ended = plan(spec, status, trials);
        assertThat(ended.completionReason).isEqualTo("NotImproving");
        assertThat(ended.phase).isEqualTo(TuningPhase.Completed); // it has results: a front, not a best trial
    }

    @Test
    void aMultiObjectiveSearchGivesTheOptimizerEveryObjectiveToMinimise() {
        TuningJobSpec spec = multiObjective();
        List<Trial> trials = List.of(measured(0, 0.90, 30), measured(1, 0.80, 10));
        List<io.mlforge.operator.tuning.optimizer.SuggestionRequest> seen = new ArrayList<>();
        io.mlforge.operator.tuning.optimizer.Suggester spy = request -> {
            seen.add(request);
            return List.of(Map.of("lr", "0.05"));
        };
        SearchSpace space = SearchSpace.of(spec.parameters);
        TuningPlanner.plan(spec, new TuningJobStatus(), trials, List.of(), spy, space, NOW);
        assertThat(seen.get(0).completed())
                .extracting(io.mlforge.operator.tuning.optimizer.Observation::objectives)
                .containsExactly(List.of(-0.90, 30.0), List.of(-0.80, 10.0));
        assertThat(SuggesterFactory.of(spec, space))
                .isInstanceOf(io.mlforge.operator.tuning.optimizer.ParEgoSuggester.class);
    }
}
