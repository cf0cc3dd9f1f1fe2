package io.mlforge.operator.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.RetryConfig;
import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.operator.core.Conditions;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The attempt state machine both training backends share, from spec and status alone. */
class AttemptLifecycleTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static TrainingJobStatus withAttempt(TrainingPhase jobPhase, TrainingPhase attemptPhase, Long nonce) {
        TrainingJobStatus status = new TrainingJobStatus();
        TrainingAttempt a = TrainingAttempts.append(status, 1, "job-1", TrainingAttempts.CREATED, NOW);
        a.phase = attemptPhase;
        status.phase = jobPhase;
        status.observedRestartNonce = nonce;
        return status;
    }

    @Test
    void theNextStepFollowsThePrecedenceOfStopRestartSuspendAndFailure() {
        TrainingJobSpec spec = new TrainingJobSpec();
        assertThat(AttemptLifecycle.next(spec, new TrainingJobStatus())).isEqualTo(AttemptLifecycle.Step.FIRST);
        assertThat(AttemptLifecycle.next(spec, withAttempt(TrainingPhase.Running, TrainingPhase.Running, null)))
                .isEqualTo(AttemptLifecycle.Step.OBSERVE);
        assertThat(AttemptLifecycle.next(spec, withAttempt(TrainingPhase.Pending, TrainingPhase.Failed, null)))
                .isEqualTo(AttemptLifecycle.Step.AFTER_FAILURE);
        assertThat(AttemptLifecycle.next(spec, withAttempt(TrainingPhase.Completed, TrainingPhase.Completed, null)))
                .isEqualTo(AttemptLifecycle.Step.ENDED);
        assertThat(AttemptLifecycle.next(spec, withAttempt(TrainingPhase.Suspended, TrainingPhase.Suspended, null)))
                .isEqualTo(AttemptLifecycle.Step.RESUME);

        spec.restartNonce = 2L;
        assertThat(AttemptLifecycle.next(spec, withAttempt(TrainingPhase.Completed, TrainingPhase.Completed, 1L)))
                .isEqualTo(AttemptLifecycle.Step.RESTART_ENDED);
        assertThat(AttemptLifecycle.next(spec, withAttempt(TrainingPhase.Running, TrainingPhase.Running, 1L)))
                .isEqualTo(AttemptLifecycle.Step.REPLACE_RUNNING);
        spec.stop = true;
        assertThat(AttemptLifecycle.next(spec, withAttempt(TrainingPhase.Running, TrainingPhase.Running, 1L)))
                .as("a new run requested together with stop wins: the run starts")
                .isEqualTo(AttemptLifecycle.Step.REPLACE_RUNNING);
        assertThat(AttemptLifecycle.next(spec, withAttempt(TrainingPhase.Running, TrainingPhase.Running, 2L)))
                .isEqualTo(AttemptLifecycle.Step.STOP);

        TrainingJobSpec suspended = new TrainingJobSpec();
        suspended.suspend = true;
        assertThat(AttemptLifecycle.next(suspended, withAttempt(TrainingPhase.Running, TrainingPhase.Running, null)))
                .isEqualTo(AttemptLifecycle.Step.SUSPEND);
        assertThat(AttemptLifecycle.next(suspended, new TrainingJobStatus())).isEqualTo(AttemptLifecycle.Step.SUSPEND);
    }

    @Test
    void retryableFailuresRetryUpToMaxAttemptsThreeByDefault() {
        TrainingJobSpec spec = new TrainingJobSpec();
        TrainingJobStatus status = new TrainingJobStatus();
        for (int n = 1; n <= 3; n++) {
            TrainingAttempt a = TrainingAttempts.append(
                    status, n, "job-" + n, n == 1 ? TrainingAttempts.CREATED : TrainingAttempts.RETRY, NOW);
            AttemptLifecycle.end(a, TrainingPhase.Failed, "Evicted", "evicted from its node", null, NOW);
            AttemptLifecycle.AfterFailure next = AttemptLifecycle.afterFailure(spec, status, a, true);
            assertThat(next.retry()).as("after failure " + n).isEqualTo(n < 3);
            if (n == 3) {
                assertThat(next.message()).isEqualTo("evicted from its node (3 of 3 attempts failed)");
            }
        }
        assertThat(AttemptLifecycle.why(status, status.attempts.get(1))).isEqualTo("retrying after Evicted");

        spec.retry = new RetryConfig();
        spec.retry.maxAttempts = 1;
        TrainingJobStatus once = withAttempt(TrainingPhase.Running, TrainingPhase.Failed, null);
        assertThat(AttemptLifecycle.afterFailure(spec, once, once.attempts.get(0), true)
                        .retry())
                .isFalse();
        assertThat(AttemptLifecycle.afterFailure(new TrainingJobSpec(), once, once.attempts.get(0), false)
                        .retry())
                .as("an application error is not retried")
                .isFalse();
    }

    @Test
    void attemptsKueueTookBackDoNotCountAgainstMaxAttempts() {
        TrainingJobSpec spec = new TrainingJobSpec();
        spec.retry = new io.mlforge.api.v1alpha1.RetryConfig();
        spec.retry.maxAttempts = 1;
        TrainingJobStatus status = new TrainingJobStatus();
        for (int n = 1; n <= 4; n++) {
            TrainingAttempt a = TrainingAttempts.append(
                    status, n, "job-" + n, n == 1 ? TrainingAttempts.CREATED : TrainingAttempts.RETRY, NOW);
            String reason = n % 2 == 0 ? TrainingAttempts.EVICTED_BY_KUEUE : TrainingAttempts.PREEMPTED_BY_KUEUE;
            AttemptLifecycle.end(a, TrainingPhase.Failed, reason, "Kueue: ...", null, NOW);
            assertThat(AttemptLifecycle.afterFailure(spec, status, a, true).retry())
                    .as("after Kueue took attempt " + n + " back")
                    .isTrue();
        }
        assertThat(TrainingAttempts.failedInRun(status)).isZero();
        TrainingAttempt evicted = TrainingAttempts.append(status, 5, "job-5", TrainingAttempts.RETRY, NOW);
        AttemptLifecycle.end(evicted, TrainingPhase.Failed, "Evicted", "evicted from its node", null, NOW);
        assertThat(AttemptLifecycle.afterFailure(spec, status, evicted, true).retry())
                .as("any other failure counts: the one attempt allowed has failed")
                .isFalse();
    }

    @Test
    void aNewRunClearsTheResultAndAReplacedAttemptEndsStopped() {
        TrainingJobSpec spec = new TrainingJobSpec();
        spec.restartNonce = 2L;
        TrainingJobStatus ended = withAttempt(TrainingPhase.Completed, TrainingPhase.Completed, 1L);
        ended.completionTime = "2026-12-01T11:00:00Z";
        ended.modelArtifacts = "s3://bucket/model.tar.gz";
        AttemptLifecycle.beginNewRun(spec, ended, 4L, NOW);
        assertThat(ended.observedRestartNonce).isEqualTo(2L);
        assertThat(ended.completionTime).isNull();
        assertThat(ended.modelArtifacts).isNull();
        assertThat(Conditions.find(ended.conditions, TrainingJobStatus.SUCCEEDED).status)
                .isEqualTo(ConditionStatus.False);
        assertThat(Conditions.find(ended.conditions, TrainingJobStatus.FAILED).reason)
                .isEqualTo("Restarted");

        TrainingJobStatus running = withAttempt(TrainingPhase.Running, TrainingPhase.Running, 1L);
        AttemptLifecycle.replaced(spec, running, running.attempts.get(0), NOW);
        assertThat(running.attempts.get(0).phase).isEqualTo(TrainingPhase.Stopped);
        assertThat(running.attempts.get(0).reason).isEqualTo("Restarted");
        assertThat(running.observedRestartNonce).isEqualTo(2L);

        TrainingJobStatus failed = withAttempt(TrainingPhase.Running, TrainingPhase.Failed, 1L);
        failed.attempts.get(0).reason = "OOMKilled";
        AttemptLifecycle.replaced(spec, failed, failed.attempts.get(0), NOW);
        assertThat(failed.attempts.get(0).reason)
                .as("a failed attempt keeps its failure")
                .isEqualTo("OOMKilled");
    }
}
