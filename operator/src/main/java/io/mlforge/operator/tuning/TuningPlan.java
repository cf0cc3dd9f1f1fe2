package io.mlforge.operator.tuning;

import io.mlforge.api.v1alpha1.TuningPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the planner decided: trials to create and to stop, and where the search stands. */
public final class TuningPlan {
    /** A new trial: its index, tuned values, extra hyperparameters (Hyperband's resource) and annotations. */
    public record NewTrial(
            int index,
            Map<String, String> parameters,
            Map<String, String> extraHyperParameters,
            Map<String, String> annotations) {}

    /** A running trial to stop, and why (MedianRule, or the search ended: SearchEnded). */
    public record Stop(String name, String reason, String message) {}

    public final List<NewTrial> create = new ArrayList<>();
    public final List<Stop> stop = new ArrayList<>();
    /** Set when the search has ended (or is ending): MaxTrialsReached, TargetObjectiveReached, NotImproving, ... */
    public String completionReason;

    public TuningPhase phase;
    public String message;
}
