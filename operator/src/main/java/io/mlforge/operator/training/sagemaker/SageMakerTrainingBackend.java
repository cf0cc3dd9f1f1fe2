package io.mlforge.operator.training.sagemaker;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.JobDeletionPolicy;
import io.mlforge.api.v1alpha1.LogsPointer;
import io.mlforge.api.v1alpha1.SageMakerTrainingStatus;
import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.training.TrainingAttempts;
import io.mlforge.operator.training.TrainingMetrics;
import io.mlforge.operator.training.TrainingOutcome;
import io.mlforge.operator.training.TrainingStatus;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.MetricData;

/**
 * Runs TrainingJobs with backend SageMaker: one SageMaker training job per attempt, named deterministically from the
 * resource's UID and the attempt number and recorded in status before it is created, so a restarted operator adopts
 * it instead of creating a second one. Jobs are described only when {@link SageMakerWatcher}'s batch poll says they
 * changed. Capacity errors and spot interruptions start a new attempt (up to retry.maxAttempts); AWS errors are
 * reported as conditions, never as a crash loop.
 */
@Singleton
public class SageMakerTrainingBackend {
    public static final String LOG_GROUP = "/aws/sagemaker/TrainingJobs";
    /** True while SageMaker answers ThrottlingException (after the SDK's own retries); the reconcile backs off. */
    public static final String THROTTLED = "Throttled";
    /** True while SageMaker calls fail otherwise (HTTP 5xx, unreachable, expired credentials); the reconcile retries. */
    public static final String BACKEND_ERROR = "BackendError";

    @Inject
    SageMakerTrainingService service;

    @Inject
    SageMakerWatcher watcher;

    @Inject
    SageMakerSettings settings;

    @Inject
    TrainingMetrics metrics;

    public SageMakerTarget target(TrainingJob job) {
        var sm = job.getSpec().sagemaker;
        String region = sm == null || sm.region == null ? settings.defaultRegion() : sm.region;
        return new SageMakerTarget(region, sm == null ? null : sm.assumeRoleArn);
    }

    public TrainingOutcome reconcile(TrainingJob job, TrainingJobStatus status, Instant now) {
        TrainingOutcome outcome = new TrainingOutcome();
        try {
            decide(job, status, now, outcome);
            for (String type : new String[] {THROTTLED, BACKEND_ERROR}) {
                if (Conditions.isTrue(status.conditions, type)) {
                    status.conditions = Conditions.set(status.conditions, type, ConditionStatus.False, "Answering",
                            "SageMaker answers again", job.getMetadata().getGeneration(), now);
                }
            }
        } catch (SdkException e) {
            backendError(job, status, e, now, outcome);
        }
        return outcome;
    }

    private void decide(TrainingJob job, TrainingJobStatus status, Instant now, TrainingOutcome outcome) {
        TrainingJobSpec spec = job.getSpec();
        TrainingAttempt current = TrainingAttempts.current(status);
        boolean restart = current != null && !Objects.equals(spec.restartNonce, status.observedRestartNonce);
        if (Boolean.TRUE.equals(spec.stop) && !restart) {
            stop(job, status, current, now, outcome);
            return;
        }
        if (TrainingAttempts.isTerminal(status.phase)) {
            if (restart) {
                status.observedRestartNonce = spec.restartNonce;
                status.completionTime = null;
                status.modelArtifacts = null;
                String why = "a new run was requested through restartNonce";
                status.conditions = Conditions.set(status.conditions, TrainingJobStatus.SUCCEEDED, ConditionStatus.False, "Restarted", why,
                        job.getMetadata().getGeneration(), now);
                status.conditions = Conditions.set(status.conditions, TrainingJobStatus.FAILED, ConditionStatus.False, "Restarted", why,
                        job.getMetadata().getGeneration(), now);
                startAttempt(job, status, TrainingAttempts.RESTARTED, now, outcome);
            }
            return;
        }
        if (current != null && restart) {
            if (!TrainingAttempts.isTerminal(current.phase)) {
                service.stop(target(job), current.backendName);
                watcher.untrack(current.backendName);
                endAttempt(current, TrainingPhase.Stopped, "Restarted", "replaced by a new run (restartNonce changed)", now);
            }
            status.observedRestartNonce = spec.restartNonce;
            startAttempt(job, status, TrainingAttempts.RESTARTED, now, outcome);
            return;
        }
        if (current == null) {
            status.observedRestartNonce = spec.restartNonce;
            startAttempt(job, status, TrainingAttempts.CREATED, now, outcome);
            return;
        }
        if (current.phase == TrainingPhase.Failed) {
            afterFailure(job, status, current, now, outcome); // the failure was recorded, the next step was not
            return;
        }
        observe(job, status, current, now, outcome);
    }

    private void observe(TrainingJob job, TrainingJobStatus status, TrainingAttempt current, Instant now, TrainingOutcome outcome) {
        SageMakerTarget target = target(job);
        ResourceID owner = ResourceID.fromResource(job);
        watcher.track(target, current.backendName, owner);
        boolean neverDescribed = status.sagemaker == null || status.sagemaker.trainingJobStatus == null
                || !current.backendName.equals(status.sagemaker.trainingJobName);
        if (!watcher.takeChanged(current.backendName) && !neverDescribed) {
            return; // nothing changed since the last description: the batch poll will say when something does
        }
        Optional<DescribeTrainingJobResponse> described;
        try {
            described = service.describe(target, current.backendName);
        } catch (SdkException e) {
            watcher.markChanged(current.backendName);
            throw e;
        }
        if (described.isEmpty()) {
            // Recorded in status but unknown to SageMaker: the operator stopped between writing status and creating.
            if (createIfAbsent(job, status, current, now, outcome)) {
                outcome.normal("SageMakerJobCreated", "created " + current.backendName + " (its creation had been interrupted)");
            }
            outcome.requeueAfter(now, settings.minPollInterval());
            return;
        }
        DescribeTrainingJobResponse d = described.get();
        SageMakerJobState state = SageMakerJobState.of(d);
        Long generation = job.getMetadata().getGeneration();
        record(status, target, d);
        metrics(status, d);
        if (d.trainingStartTime() != null && status.startTime == null) {
            status.startTime = Timestamps.format(d.trainingStartTime());
        }
        if (!state.ended()) {
            current.phase = state.phase();
            TrainingStatus.phase(status, state.phase(), state.reason(), "attempt " + current.number + " (" + current.backendName + "): "
                    + state.message(), generation, now);
            return;
        }
        watcher.untrack(current.backendName);
        billing(status, d);
        switch (state.phase()) {
            case Completed -> {
                endAttempt(current, TrainingPhase.Completed, "Completed", "training finished", now);
                status.modelArtifacts = d.modelArtifacts() == null ? null : d.modelArtifacts().s3ModelArtifacts();
                status.completionTime = Timestamps.format(now);
                TrainingStatus.phase(status, TrainingPhase.Completed, "Completed", "training finished"
                        + (status.modelArtifacts == null ? "" : "; model at " + status.modelArtifacts), generation, now);
                metrics.finished(Backend.SageMaker, TrainingPhase.Completed, TrainingAttempts.duration(status));
            }
            case Stopped -> {
                endAttempt(current, TrainingPhase.Stopped, "Stopped", "the SageMaker job was stopped outside the operator", now);
                status.completionTime = Timestamps.format(now);
                TrainingStatus.phase(status, TrainingPhase.Stopped, "StoppedExternally",
                        "SageMaker job " + current.backendName + " was stopped outside the operator", generation, now);
                outcome.warning("StoppedExternally", "SageMaker job " + current.backendName + " was stopped outside the operator");
                metrics.finished(Backend.SageMaker, TrainingPhase.Stopped, TrainingAttempts.duration(status));
            }
            default -> {
                endAttempt(current, TrainingPhase.Failed, state.reason(), state.message(), now);
                metrics.attemptFailed(Backend.SageMaker, state.reason());
                outcome.warning("AttemptFailed", "attempt " + current.number + " failed: " + state.reason() + ": " + state.message());
                afterFailure(job, status, current, now, outcome);
            }
        }
    }

    private void afterFailure(TrainingJob job, TrainingJobStatus status, TrainingAttempt failed, Instant now, TrainingOutcome outcome) {
        boolean retryable = isRetryable(failed.reason);
        int failedInRun = TrainingAttempts.failedInRun(status);
        int maxAttempts = job.getSpec().retry == null || job.getSpec().retry.maxAttempts == null ? 3 : job.getSpec().retry.maxAttempts;
        if (retryable && failedInRun < maxAttempts) {
            startAttempt(job, status, TrainingAttempts.RETRY, now, outcome);
            return;
        }
        String why = retryable ? failed.message + " (" + failedInRun + " of " + maxAttempts + " attempts failed)" : failed.message;
        status.completionTime = Timestamps.format(now);
        TrainingStatus.phase(status, TrainingPhase.Failed, failed.reason, why, job.getMetadata().getGeneration(), now);
        metrics.finished(Backend.SageMaker, TrainingPhase.Failed, TrainingAttempts.duration(status));
    }

    static boolean isRetryable(String reason) {
        return reason != null && switch (reason) {
            case "CapacityError", "SpotInterrupted", "InternalServerError", "InternalError" -> true;
            default -> false;
        };
    }

    private void startAttempt(TrainingJob job, TrainingJobStatus status, String cause, Instant now, TrainingOutcome outcome) {
        int number = TrainingAttempts.next(status);
        TrainingAttempt attempt = TrainingAttempts.append(status, number,
                ResourceNames.attemptName(job.getMetadata().getName(), job.getMetadata().getUid(), number), cause, now);
        SageMakerTarget target = target(job);
        status.logs = logs(target, attempt.backendName);
        status.sagemaker = new SageMakerTrainingStatus();
        status.sagemaker.trainingJobName = attempt.backendName;
        status.sagemaker.region = target.region();
        metrics.attemptStarted(Backend.SageMaker, cause);
        createIfAbsent(job, status, attempt, now, outcome); // on a transient error the next reconcile creates it
        if (attempt.phase == TrainingPhase.Failed) {
            return; // rejected: reported by createIfAbsent
        }
        String why = switch (cause) {
            case TrainingAttempts.RETRY -> "retrying after " + status.attempts.get(number - 2).reason;
            case TrainingAttempts.RESTARTED -> "new run (restartNonce)";
            default -> "first run";
        };
        TrainingStatus.phase(status, TrainingPhase.Pending, "AttemptCreated", "attempt " + number + " created as SageMaker job "
                + attempt.backendName + " in " + target.region() + " (" + why + ")", job.getMetadata().getGeneration(), now);
        outcome.normal("AttemptCreated", "attempt " + number + ": SageMaker training job " + attempt.backendName + " in "
                + target.region() + ", " + why);
    }

    /**
     * Creates the attempt's SageMaker job unless it exists (adopted). A request SageMaker rejects as invalid fails
     * the attempt with reason CreateRejected and SageMaker's message; other errors propagate and are retried.
     */
    private boolean createIfAbsent(TrainingJob job, TrainingJobStatus status, TrainingAttempt attempt, Instant now, TrainingOutcome outcome) {
        SageMakerTarget target = target(job);
        boolean created;
        try {
            created = service.create(target, CreateTrainingJobMapping.request(job, attempt.backendName, attempt.number));
        } catch (AwsServiceException e) {
            if (isRejection(e)) {
                String message = "SageMaker rejected CreateTrainingJob: " + errorMessage(e);
                endAttempt(attempt, TrainingPhase.Failed, "CreateRejected", message, now);
                status.completionTime = Timestamps.format(now);
                TrainingStatus.phase(status, TrainingPhase.Failed, "CreateRejected", message, job.getMetadata().getGeneration(), now);
                outcome.warning("CreateRejected", message);
                return false;
            }
            throw e;
        }
        watcher.track(target, attempt.backendName, ResourceID.fromResource(job));
        return created;
    }

    private static boolean isRejection(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return e.statusCode() == 400 && ("ValidationException".equals(code) || "ResourceLimitExceeded".equals(code)
                || "AccessDeniedException".equals(code));
    }

    private void stop(TrainingJob job, TrainingJobStatus status, TrainingAttempt current, Instant now, TrainingOutcome outcome) {
        if (TrainingAttempts.isTerminal(status.phase)) {
            return;
        }
        Long generation = job.getMetadata().getGeneration();
        if (current != null && !TrainingAttempts.isTerminal(current.phase)) {
            SageMakerTarget target = target(job);
            if (current.phase != TrainingPhase.Stopping) {
                service.stop(target, current.backendName); // once: later reconciles only look whether it stopped
            }
            Optional<DescribeTrainingJobResponse> d = service.describe(target, current.backendName);
            d.ifPresent(r -> record(status, target, r));
            SageMakerJobState state = d.map(SageMakerJobState::of).orElse(null);
            if (state != null && !state.ended()) {
                current.phase = TrainingPhase.Stopping;
                TrainingStatus.phase(status, TrainingPhase.Stopping, "Stopping", "waiting for SageMaker to stop " + current.backendName,
                        generation, now);
                outcome.requeueAfter(now, settings.minPollInterval());
                return;
            }
            watcher.untrack(current.backendName);
            d.ifPresent(r -> billing(status, r));
            endAttempt(current, TrainingPhase.Stopped, "Stopped", "stopped by spec.stop", now);
        }
        status.completionTime = Timestamps.format(now);
        TrainingStatus.phase(status, TrainingPhase.Stopped, "Stopped", "stopped by spec.stop", generation, now);
        metrics.finished(Backend.SageMaker, TrainingPhase.Stopped, TrainingAttempts.duration(status));
    }

    /**
     * Deletion: with policy Stop (the default) the running SageMaker job is stopped and the resource stays until
     * SageMaker reports it ended; with Retain it keeps running. Returns true when the resource may go.
     */
    public boolean release(TrainingJob job) {
        TrainingJobStatus status = job.getStatus();
        TrainingAttempt current = status == null ? null : TrainingAttempts.current(status);
        if (current == null || TrainingAttempts.isTerminal(current.phase)) {
            return true;
        }
        JobDeletionPolicy policy = job.getSpec().deletionPolicy != null ? job.getSpec().deletionPolicy
                : JobDeletionPolicy.valueOf(settings.defaultDeletionPolicy());
        if (policy == JobDeletionPolicy.Retain) {
            watcher.untrack(current.backendName);
            return true;
        }
        SageMakerTarget target = target(job);
        service.stop(target, current.backendName);
        boolean ended = service.describe(target, current.backendName).map(d -> SageMakerJobState.of(d).ended()).orElse(true);
        if (ended) {
            watcher.untrack(current.backendName);
        }
        return ended;
    }

    private void backendError(TrainingJob job, TrainingJobStatus status, SdkException e, Instant now, TrainingOutcome outcome) {
        String message = "SageMaker call failed, retrying: " + (e instanceof AwsServiceException a ? errorMessage(a) : e.getMessage());
        boolean throttled = e instanceof AwsServiceException a && a.isThrottlingException();
        String type = throttled ? THROTTLED : BACKEND_ERROR;
        if (!Conditions.isTrue(status.conditions, type)) {
            outcome.warning(type, message);
        }
        status.conditions = Conditions.set(status.conditions, type, ConditionStatus.True, throttled ? "ThrottlingException" : "CallFailed",
                message, job.getMetadata().getGeneration(), now);
        outcome.requeueAfter(now, settings.minPollInterval());
    }

    private static String errorMessage(AwsServiceException e) {
        return e.awsErrorDetails() == null ? e.getMessage()
                : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
    }

    private static void record(TrainingJobStatus status, SageMakerTarget target, DescribeTrainingJobResponse d) {
        SageMakerTrainingStatus sm = new SageMakerTrainingStatus();
        sm.trainingJobName = d.trainingJobName();
        sm.trainingJobArn = d.trainingJobArn();
        sm.region = target.region();
        sm.trainingJobStatus = d.trainingJobStatusAsString();
        sm.secondaryStatus = d.secondaryStatusAsString();
        if (d.hasSecondaryStatusTransitions() && !d.secondaryStatusTransitions().isEmpty()) {
            sm.secondaryStatusMessage = d.secondaryStatusTransitions().get(d.secondaryStatusTransitions().size() - 1).statusMessage();
        }
        sm.failureReason = d.failureReason();
        status.sagemaker = sm;
    }

    private static void metrics(TrainingJobStatus status, DescribeTrainingJobResponse d) {
        if (!d.hasFinalMetricDataList() || d.finalMetricDataList().isEmpty()) {
            return;
        }
        Map<String, Double> values = status.metrics == null ? new LinkedHashMap<>() : new LinkedHashMap<>(status.metrics);
        for (MetricData m : d.finalMetricDataList()) {
            if (m.metricName() != null && m.value() != null) {
                values.put(m.metricName(), m.value().doubleValue());
            }
        }
        status.metrics = values;
    }

    private static void billing(TrainingJobStatus status, DescribeTrainingJobResponse d) {
        if (d.trainingTimeInSeconds() != null) {
            status.trainingSeconds = (status.trainingSeconds == null ? 0 : status.trainingSeconds) + d.trainingTimeInSeconds();
        }
        if (d.billableTimeInSeconds() != null) {
            status.billableSeconds = (status.billableSeconds == null ? 0 : status.billableSeconds) + d.billableTimeInSeconds();
        }
        if (status.trainingSeconds != null && status.trainingSeconds > 0 && status.billableSeconds != null
                && Boolean.TRUE.equals(d.enableManagedSpotTraining())) {
            status.spotSavingsPercent = Math.round(1000.0 * (1 - (double) status.billableSeconds / status.trainingSeconds)) / 10.0;
        }
    }

    static LogsPointer logs(SageMakerTarget target, String jobName) {
        LogsPointer logs = new LogsPointer();
        logs.cloudWatchLogGroup = LOG_GROUP;
        logs.cloudWatchLogStreamPrefix = jobName + "/";
        logs.command = "aws logs tail " + LOG_GROUP + " --log-stream-name-prefix " + jobName + "/ --region " + target.region() + " --follow";
        String filter = URLEncoder.encode(LOG_GROUP, StandardCharsets.UTF_8).replace("%", "$25");
        logs.consoleUrl = "https://" + target.region() + ".console.aws.amazon.com/cloudwatch/home?region=" + target.region()
                + "#logsV2:log-groups/log-group/" + filter + "$3FlogStreamNameFilter$3D" + jobName;
        return logs;
    }

    private static void endAttempt(TrainingAttempt attempt, TrainingPhase phase, String reason, String message, Instant now) {
        attempt.phase = phase;
        attempt.reason = reason;
        attempt.message = message;
        attempt.completionTime = Timestamps.format(now);
    }




}
