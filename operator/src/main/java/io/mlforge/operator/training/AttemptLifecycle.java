package io.mlforge.operator.training;

import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.core.Timestamps;
import java.time.Instant;
import java.util.Objects;

/**
 * The attempt state machine both training backends share, as pure code: which step a TrainingJob takes next, decided
 * from its spec and status alone, and the status changes every backend makes the same way (a new run, an ended
 * attempt, the retry decision after a failure). The backends do the I/O each step needs (pods, SageMaker calls).
 */
public final class AttemptLifecycle {
    /** retry.maxAttempts when the job sets none. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    private AttemptLifecycle() {}

    /** What a reconcile does next, in order of precedence. */
    public enum Step {
        /** spec.stop, and no new run requested: stop what runs and end in Stopped. */
        STOP,
        /** The job ended and nothing asks for more (the in-cluster backend cleans up after the TTL). */
        ENDED,
        /** A new restartNonce on an ended job: {@link #beginNewRun}, then a new attempt (cause Restarted). */
        RESTART_ENDED,
        /** A new restartNonce while an attempt runs: stop it, {@link #replaced}, then a new attempt (cause Restarted). */
        REPLACE_RUNNING,
        /** spec.suspend (backend Kubernetes only; the CRD refuses it for SageMaker). */
        SUSPEND,
        /** No attempt yet: the first one (cause Created). */
        FIRST,
        /** Suspended and spec.suspend is false again: a new attempt (cause Resumed). */
        RESUME,
        /** The current attempt's failure was recorded but not what follows (an operator restart in between). */
        AFTER_FAILURE,
        /** An attempt is under way: observe it. */
        OBSERVE
    }

    public static Step next(TrainingJobSpec spec, TrainingJobStatus status) {
        TrainingAttempt current = TrainingAttempts.current(status);
        boolean restart = restartRequested(spec, status);
        if (Boolean.TRUE.equals(spec.stop) && !restart) {
            return Step.STOP;
        }
        if (TrainingAttempts.isTerminal(status.phase)) {
            return restart ? Step.RESTART_ENDED : Step.ENDED;
        }
        if (restart) {
            return Step.REPLACE_RUNNING;
        }
        if (Boolean.TRUE.equals(spec.suspend)) {
            return Step.SUSPEND;
        }
        if (current == null) {
            return Step.FIRST;
        }
        if (status.phase == TrainingPhase.Suspended) {
            return Step.RESUME;
        }
        return current.phase == TrainingPhase.Failed ? Step.AFTER_FAILURE : Step.OBSERVE;
    }

    /** Whether spec.restartNonce asks for a run the status has not started yet. */
    public static boolean restartRequested(TrainingJobSpec spec, TrainingJobStatus status) {
        return TrainingAttempts.current(status) != null
                && !Objects.equals(spec.restartNonce, status.observedRestartNonce);
    }

    /** An ended job starts over (restartNonce): its result is cleared and Succeeded/Failed turn False. */
    public static void beginNewRun(TrainingJobSpec spec, TrainingJobStatus status, Long generation, Instant now) {
        status.observedRestartNonce = spec.restartNonce;
        status.completionTime = null;
        status.modelArtifacts = null;
        String why = "a new run was requested through restartNonce";
        status.conditions = Conditions.set(
                status.conditions,
                TrainingJobStatus.SUCCEEDED,
                ConditionStatus.False,
                "Restarted",
                why,
                generation,
                now);
        status.conditions = Conditions.set(
                status.conditions, TrainingJobStatus.FAILED, ConditionStatus.False, "Restarted", why, generation, now);
    }

    /** The running attempt was replaced by a new run (restartNonce); the backend stopped it. */
    public static void replaced(TrainingJobSpec spec, TrainingJobStatus status, TrainingAttempt running, Instant now) {
        if (!TrainingAttempts.isTerminal(running.phase)) {
            end(running, TrainingPhase.Stopped, "Restarted", "replaced by a new run (restartNonce changed)", null, now);
        }
        status.observedRestartNonce = spec.restartNonce;
    }

    /** Records an attempt's end. */
    public static void end(
            TrainingAttempt attempt,
            TrainingPhase phase,
            String reason,
            String message,
            Integer exitCode,
            Instant now) {
        attempt.phase = phase;
        attempt.reason = reason;
        attempt.message = message;
        attempt.exitCode = exitCode;
        attempt.completionTime = Timestamps.format(now);
    }

    /**
     * After a failed attempt: retry (a new attempt, cause Retry) while the failure is {@code retryable} and fewer than
     * retry.maxAttempts attempts of this run failed; otherwise the job fails with {@link AfterFailure#message}.
     */
    public static AfterFailure afterFailure(
            TrainingJobSpec spec, TrainingJobStatus status, TrainingAttempt failed, boolean retryable) {
        int failedInRun = TrainingAttempts.failedInRun(status);
        int maxAttempts = maxAttempts(spec);
        if (retryable && failedInRun < maxAttempts) {
            return new AfterFailure(true, null);
        }
        return new AfterFailure(
                false,
                retryable
                        ? failed.message + " (" + failedInRun + " of " + maxAttempts + " attempts failed)"
                        : failed.message);
    }

    /** @param retry whether a new attempt starts; otherwise the job fails with {@code message} */
    public record AfterFailure(boolean retry, String message) {}

    public static int maxAttempts(TrainingJobSpec spec) {
        return spec.retry == null || spec.retry.maxAttempts == null ? DEFAULT_MAX_ATTEMPTS : spec.retry.maxAttempts;
    }

    /** Why an attempt started, as its messages say it. */
    public static String why(TrainingJobStatus status, TrainingAttempt attempt) {
        return switch (attempt.cause) {
            case TrainingAttempts.RETRY -> "retrying after " + status.attempts.get(attempt.number - 2).reason;
            case TrainingAttempts.RESUMED -> "resuming after suspend";
            case TrainingAttempts.RESTARTED -> "new run (restartNonce)";
            default -> "first run";
        };
    }
}
