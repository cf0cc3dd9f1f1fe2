package io.mlforge.operator.tuning;

import io.mlforge.api.v1alpha1.TrialCounts;
import io.mlforge.api.v1alpha1.TrialPhase;
import io.mlforge.api.v1alpha1.TrialSummary;
import io.mlforge.api.v1alpha1.TuningJobSpec;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningPhase;
import io.mlforge.operator.core.JobConditions;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.tuning.optimizer.ParetoFront;
import java.time.Instant;
import java.util.List;

/**
 * Writes a TuningJob's status from its trials and plan: counters, best trial (or a multi-objective search's Pareto
 * front, bounded), the last trials (bounded), phase, conditions.
 */
public final class TuningStatus {
    /** Members of a multi-objective search's front listed in status (status.paretoFrontSize counts them all). */
    static final int PARETO_FRONT_LIMIT = 50;

    private TuningStatus() {}

    public static void update(
            TuningJobSpec spec,
            TuningJobStatus status,
            List<Trial> trials,
            TuningPlan plan,
            int trialLimit,
            Long generation,
            Instant now) {
        if (status.startTime == null) {
            status.startTime = Timestamps.format(now);
        }
        int created = plan.create.isEmpty()
                ? 0
                : plan.create.get(plan.create.size() - 1).index() + 1;
        status.nextTrialIndex = Math.max(
                status.nextTrialIndex == null ? 0 : status.nextTrialIndex,
                Math.max(created, trials.stream().mapToInt(Trial::index).max().orElse(-1) + 1));
        TrialCounts counts = new TrialCounts();
        counts.total = trials.size() + plan.create.size();
        counts.running = (int) trials.stream().filter(Trial::active).count() + plan.create.size();
        counts.succeeded = (int)
                trials.stream().filter(t -> t.phase() == TrialPhase.Succeeded).count();
        counts.failed = (int)
                trials.stream().filter(t -> t.phase() == TrialPhase.Failed).count();
        counts.stoppedEarly = (int) trials.stream()
                .filter(t -> t.phase() == TrialPhase.StoppedEarly)
                .count();
        counts.stopped = (int)
                trials.stream().filter(t -> t.phase() == TrialPhase.Stopped).count();
        status.trialCounts = counts;
        status.bestTrial =
                TuningPlanner.best(spec, trials).map(t -> summary(spec, t)).orElse(null);
        if (TuningPlanner.multiObjective(spec)) {
            List<Trial> front = TuningPlanner.paretoFront(spec, trials);
            status.paretoFrontSize = front.size();
            status.paretoFront = ParetoFront.spread(front, PARETO_FRONT_LIMIT).stream()
                    .map(t -> summary(spec, t))
                    .toList();
        }
        status.trials = trials.subList(Math.max(0, trials.size() - trialLimit), trials.size()).stream()
                .map(t -> summary(spec, t))
                .toList();
        status.completionReason = plan.completionReason;
        if (plan.phase != TuningPhase.Running && plan.phase != TuningPhase.Stopping && status.completionTime == null) {
            status.completionTime = Timestamps.format(now);
        }
        phase(
                status,
                plan.phase,
                plan.completionReason == null ? plan.phase.name() : plan.completionReason,
                plan.message,
                generation,
                now);
    }

    /** Sets phase and message, and the conditions that follow: Ready (Completed), Running, Succeeded, Failed. */
    public static void phase(
            TuningJobStatus status, TuningPhase phase, String reason, String message, Long generation, Instant now) {
        status.phase = phase;
        status.message = message;
        status.conditions = JobConditions.forPhase(
                status.conditions,
                phase == TuningPhase.Completed,
                phase == TuningPhase.Running,
                phase == TuningPhase.Failed,
                reason,
                message,
                generation,
                now);
    }

    static TrialSummary summary(TuningJobSpec spec, Trial t) {
        TrialSummary s = new TrialSummary();
        if (TuningPlanner.multiObjective(spec) && t.objectives() != null) {
            s.objectiveValues = new java.util.LinkedHashMap<>();
            List<String> metrics = TuningPlanner.objectiveMetrics(spec);
            for (int i = 0; i < metrics.size(); i++) {
                s.objectiveValues.put(metrics.get(i), t.objectives().get(i));
            }
        }
        s.index = t.index();
        s.name = t.name();
        s.phase = t.phase();
        s.parameters = t.parameters();
        s.objectiveValue = t.objective();
        s.reason = t.reason();
        s.startTime = t.startTime();
        s.completionTime = t.completionTime();
        return s;
    }
}
