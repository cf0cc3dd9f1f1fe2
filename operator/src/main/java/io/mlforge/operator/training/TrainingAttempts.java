package io.mlforge.operator.training;

import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.operator.core.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What both backends read from a TrainingJob's attempt history. */
public final class TrainingAttempts {
    /** Causes of an attempt (status.attempts[].cause). */
    public static final String CREATED = "Created";

    public static final String RETRY = "Retry";
    public static final String RESUMED = "Resumed";
    public static final String RESTARTED = "Restarted";

    /**
     * Failure reasons of an attempt whose workload Kueue evicted (preempted for a higher-priority workload, or evicted
     * for another reason such as a deactivated workload). The job did nothing wrong and Kueue queues the next attempt,
     * so these do not count against retry.maxAttempts.
     */
    public static final String PREEMPTED_BY_KUEUE = "PreemptedByKueue";

    public static final String EVICTED_BY_KUEUE = "EvictedByKueue";

    private TrainingAttempts() {}

    /** Whether a failed attempt counts against retry.maxAttempts. */
    public static boolean counts(TrainingAttempt attempt) {
        return attempt.phase == TrainingPhase.Failed
                && !PREEMPTED_BY_KUEUE.equals(attempt.reason)
                && !EVICTED_BY_KUEUE.equals(attempt.reason);
    }

    /** The latest attempt, or null before the first. */
    public static TrainingAttempt current(TrainingJobStatus status) {
        return status.attempts == null || status.attempts.isEmpty()
                ? null
                : status.attempts.get(status.attempts.size() - 1);
    }

    /**
     * Failed attempts since the run began (first creation or the latest restartNonce) that {@link #counts count}: what
     * retry.maxAttempts bounds.
     */
    public static int failedInRun(TrainingJobStatus status) {
        int failed = 0;
        for (int i = status.attempts.size() - 1; i >= 0; i--) {
            TrainingAttempt a = status.attempts.get(i);
            if (counts(a)) {
                failed++;
            }
            if (CREATED.equals(a.cause) || RESTARTED.equals(a.cause)) {
                break;
            }
        }
        return failed;
    }

    /** Appends attempt {@code number} (the next one), Pending from {@code now}, and makes it the current one. */
    public static TrainingAttempt append(
            TrainingJobStatus status, int number, String backendName, String cause, Instant now) {
        List<TrainingAttempt> attempts = status.attempts == null ? new ArrayList<>() : new ArrayList<>(status.attempts);
        TrainingAttempt attempt = new TrainingAttempt();
        attempt.number = number;
        attempt.backendName = backendName;
        attempt.cause = cause;
        attempt.phase = TrainingPhase.Pending;
        attempt.startTime = Timestamps.format(now);
        attempts.add(attempt);
        status.attempts = attempts;
        status.attempt = number;
        return attempt;
    }

    /** The number the next attempt gets. */
    public static int next(TrainingJobStatus status) {
        return status.attempts == null ? 1 : status.attempts.size() + 1;
    }

    public static boolean isTerminal(TrainingPhase phase) {
        return phase == TrainingPhase.Completed || phase == TrainingPhase.Failed || phase == TrainingPhase.Stopped;
    }

    /** From the first attempt's start to completion. */
    public static Duration duration(TrainingJobStatus status) {
        Instant first = status.attempts == null || status.attempts.isEmpty()
                ? null
                : Timestamps.parse(status.attempts.get(0).startTime);
        Instant end = Timestamps.parse(status.completionTime);
        return first == null || end == null ? Duration.ZERO : Duration.between(first, end);
    }
}
