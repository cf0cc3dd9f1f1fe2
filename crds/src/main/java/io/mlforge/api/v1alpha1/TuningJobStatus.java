package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * Observed state of a TuningJob. Its size is bounded: counters, the best trial and only the most recent trials
 * (the full trial list lives in the trials' own TrainingJobs), so a long search never outgrows etcd's object limit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonClassDescription(
        "Observed state of the TuningJob: phase, conditions, trial counts, the best trial (or the Pareto front of a multi-objective search) and the most recent trials (bounded).")
public class TuningJobStatus {
    public static final String RUNNING = Condition.RUNNING;
    public static final String SUCCEEDED = Condition.SUCCEEDED;
    public static final String FAILED = Condition.FAILED;

    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Pending, Running, Completed, Failed, Stopping or Stopped.")
    public TuningPhase phase;

    @JsonPropertyDescription(
            "Conditions: Ready, Running, Succeeded, Failed, Throttled, BackendError, and Reconciling / Stalled for kstatus (Flux), each present only while True.")
    public List<Condition> conditions;

    @JsonPropertyDescription("Human-readable summary of the current state.")
    public String message;

    @JsonPropertyDescription(
            "Why the search ended: MaxTrialsReached, TargetObjectiveReached, NotImproving, Converged, MaxRuntimeExceeded, MaxFailedTrialsExceeded or Stopped.")
    public String completionReason;

    @JsonPropertyDescription("When the search started (RFC 3339).")
    public String startTime;

    @JsonPropertyDescription("When the search ended (RFC 3339).")
    public String completionTime;

    @JsonPropertyDescription("Trials by outcome.")
    public TrialCounts trialCounts;

    @JsonPropertyDescription("The best trial so far by the objective (single-objective searches).")
    public TrialSummary bestTrial;

    @JsonPropertyDescription(
            "Multi-objective searches: the Pareto front so far, the succeeded trials no other trial matches or beats on every objective, ordered by the first objective; at most 50 (spread along the front, its ends kept) when paretoFrontSize is larger. Serve one with an Endpoint's fromTrainingJob: <name>.")
    public List<TrialSummary> paretoFront;

    @JsonPropertyDescription("Multi-objective searches: how many trials the whole Pareto front holds.")
    public Integer paretoFrontSize;

    @JsonPropertyDescription("The most recent trials, newest last; at most the operator's configured number.")
    public List<TrialSummary> trials;

    @JsonPropertyDescription(
            "Index the next trial gets; recorded before the trial is created so a restarted operator never creates it twice.")
    public Integer nextTrialIndex;

    @JsonPropertyDescription("SageMaker's view of the tuning job (backend SageMaker).")
    public SageMakerTuningStatus sagemaker;
}
