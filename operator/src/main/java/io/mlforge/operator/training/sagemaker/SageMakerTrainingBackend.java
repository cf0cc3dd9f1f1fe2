package io.mlforge.operator.training.sagemaker;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.JobDeletionPolicy;
import io.mlforge.api.v1alpha1.LogsPointer;
import io.mlforge.api.v1alpha1.SageMakerTrainingStatus;
import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.operator.aws.AwsCallFailures;
import io.mlforge.operator.aws.CreateTrainingJobMapping;
import io.mlforge.operator.aws.RateLimitedException;
import io.mlforge.operator.aws.SageMakerSettings;
import io.mlforge.operator.aws.SageMakerTarget;
import io.mlforge.operator.aws.SageMakerTrainingService;
import io.mlforge.operator.core.EventReason;
import io.mlforge.operator.core.Outcome;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.ResourceBackend.ReleaseNotes;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.training.AttemptLifecycle;
import io.mlforge.operator.training.TrainingAttempts;
import io.mlforge.operator.training.TrainingBackend;
import io.mlforge.operator.training.TrainingMetrics;
import io.mlforge.operator.training.TrainingStatus;
import io.mlforge.operator.training.metrics.SageMakerLogMetricsCollector;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
public class SageMakerTrainingBackend implements TrainingBackend {
    public static final String LOG_GROUP = "/aws/sagemaker/TrainingJobs";

    @Inject
    SageMakerTrainingService service;

    @Inject
    SageMakerWatcher watcher;

    @Inject
    SageMakerSettings settings;

    @Inject
    TrainingMetrics metrics;

    @Inject
    SageMakerLogMetricsCollector logMetrics;

    public SageMakerTarget target(TrainingJob job) {
        var sm = job.getSpec().sagemaker;
        String region = sm == null || sm.region == null ? settings.defaultRegion() : sm.region;
        return new SageMakerTarget(region, sm == null ? null : sm.assumeRoleArn);
    }

    @Override
    public void reconcile(Reconciliation.Scope<TrainingJob, TrainingJobStatus> scope, Context<TrainingJob> context) {
        reconcile(scope.resource(), scope.status(), scope.now(), scope.outcome());
    }

    /** One step for {@code job}: changes {@code status}; failed SageMaker calls propagate ({@code Reconciliation#act}). */
    public Outcome reconcile(TrainingJob job, TrainingJobStatus status, Instant now, Outcome outcome) {
        TrainingJobSpec spec = job.getSpec();
        TrainingAttempt current = TrainingAttempts.current(status);
        switch (AttemptLifecycle.next(spec, status)) {
            case STOP -> stop(job, status, current, now, outcome);
            case ENDED, SUSPEND, RESUME -> {
                // ended: nothing runs; suspend cannot reach a SageMaker job (the CRD refuses it)
            }
            case RESTART_ENDED -> {
                AttemptLifecycle.beginNewRun(spec, status, job.getMetadata().getGeneration(), now);
                startAttempt(job, status, TrainingAttempts.RESTARTED, now, outcome);
            }
            case REPLACE_RUNNING -> {
                if (!TrainingAttempts.isTerminal(current.phase)) {
                    service.stop(target(job), current.backendName);
                    watcher.untrack(current.backendName);
                }
                AttemptLifecycle.replaced(spec, status, current, now);
                startAttempt(job, status, TrainingAttempts.RESTARTED, now, outcome);
            }
            case FIRST -> {
                status.observedRestartNonce = spec.restartNonce;
                if (preflight(job, status, now, outcome)) {
                    startAttempt(job, status, TrainingAttempts.CREATED, now, outcome);
                }
            }
            case AFTER_FAILURE ->
                afterFailure(job, status, current, now, outcome); // the failure was recorded, the next step was not
            case OBSERVE -> {
                if (created(status, current)) {
                    observe(job, status, current, now, outcome);
                } else {
                    create(
                            job, status, current, now,
                            outcome); // the intent is in status: create (or adopt) exactly that job
                }
            }
        }
        return outcome;
    }

    private void observe(
            TrainingJob job, TrainingJobStatus status, TrainingAttempt current, Instant now, Outcome outcome) {
        SageMakerTarget target = target(job);
        ResourceID owner = ResourceID.fromResource(job);
        watcher.track(target, current.backendName, owner);
        boolean neverDescribed = status.sagemaker == null
                || status.sagemaker.trainingJobStatus == null
                || !current.backendName.equals(status.sagemaker.trainingJobName);
        if (!watcher.takeChanged(current.backendName) && !neverDescribed) {
            readMetrics(job, status, current, target, now, outcome);
            return; // nothing changed since the last description: the batch poll will say when something does
        }
        Optional<DescribeTrainingJobResponse> described;
        try {
            described = service.describe(target, current.backendName);
        } catch (SdkException | RateLimitedException e) {
            watcher.markChanged(current.backendName);
            throw e;
        }
        if (described.isEmpty()) {
            // Confirmed once, unknown now: create it again under the same name at the next reconcile.
            watcher.untrack(current.backendName);
            status.sagemaker.trainingJobArn = null;
            outcome.warning(
                    EventReason.SAGEMAKER_JOB_MISSING,
                    "SageMaker no longer knows " + current.backendName + "; creating it again");
            outcome.requeueNow();
            return;
        }
        apply(job, status, current, target, described.get(), now, outcome);
        readMetrics(job, status, current, target, now, outcome);
    }

    /**
     * While the job trains: its curves (status.metricHistory) from its logs, as SageMaker reports metrics only at the
     * end, and a look again when the next read is due (the batch poll only calls when SageMaker's state changes).
     */
    private void readMetrics(
            TrainingJob job,
            TrainingJobStatus status,
            TrainingAttempt current,
            SageMakerTarget target,
            Instant now,
            Outcome outcome) {
        if (status.phase != TrainingPhase.Running) {
            return;
        }
        logMetrics.collect(job, status, target, current.backendName, false, now);
        Instant next = logMetrics.nextReadAt(job);
        if (next != null) {
            outcome.requeueAfter(Duration.between(now, next).plusMillis(100));
        }
    }

    /**
     * Brings status and the attempt up to date with a description of the attempt's SageMaker job: its phase while it
     * runs, the attempt's end (and a retry after a retryable failure) once it ended.
     */
    private void apply(
            TrainingJob job,
            TrainingJobStatus status,
            TrainingAttempt current,
            SageMakerTarget target,
            DescribeTrainingJobResponse d,
            Instant now,
            Outcome outcome) {
        SageMakerJobState state = SageMakerJobState.of(d);
        Long generation = job.getMetadata().getGeneration();
        record(status, target, d);
        if (state.ended()) {
            // the curves' last points (SageMaker's own final values below have the last word on status.metrics)
            logMetrics.collect(job, status, target, current.backendName, true, now);
            logMetrics.forget(job);
        }
        metrics(status, d);
        if (d.trainingStartTime() != null && status.startTime == null) {
            status.startTime = Timestamps.format(d.trainingStartTime());
        }
        if (!state.ended()) {
            current.phase = state.phase();
            TrainingStatus.phase(
                    status,
                    state.phase(),
                    state.reason(),
                    "attempt " + current.number + " (" + current.backendName + "): " + state.message(),
                    generation,
                    now);
            return;
        }
        watcher.untrack(current.backendName);
        billing(status, d);
        switch (state.phase()) {
            case Completed -> {
                endAttempt(current, TrainingPhase.Completed, "Completed", "training finished", now);
                status.modelArtifacts =
                        d.modelArtifacts() == null ? null : d.modelArtifacts().s3ModelArtifacts();
                status.completionTime = Timestamps.format(now);
                TrainingStatus.phase(
                        status,
                        TrainingPhase.Completed,
                        "Completed",
                        "training finished"
                                + (status.modelArtifacts == null ? "" : "; model at " + status.modelArtifacts),
                        generation,
                        now);
                metrics.finished(Backend.SageMaker, TrainingPhase.Completed, TrainingAttempts.duration(status));
            }
            case Stopped -> {
                endAttempt(
                        current,
                        TrainingPhase.Stopped,
                        "Stopped",
                        "the SageMaker job was stopped outside the operator",
                        now);
                status.completionTime = Timestamps.format(now);
                TrainingStatus.phase(
                        status,
                        TrainingPhase.Stopped,
                        "StoppedExternally",
                        "SageMaker job " + current.backendName + " was stopped outside the operator",
                        generation,
                        now);
                outcome.warning(
                        EventReason.STOPPED_EXTERNALLY,
                        "SageMaker job " + current.backendName + " was stopped outside the operator");
                metrics.finished(Backend.SageMaker, TrainingPhase.Stopped, TrainingAttempts.duration(status));
            }
            default -> {
                endAttempt(current, TrainingPhase.Failed, state.reason(), state.message(), now);
                metrics.attemptFailed(Backend.SageMaker, state.reason());
                outcome.warning(
                        EventReason.ATTEMPT_FAILED,
                        "attempt " + current.number + " failed: " + state.reason() + ": " + state.message());
                afterFailure(job, status, current, now, outcome);
            }
        }
    }

    private void afterFailure(
            TrainingJob job, TrainingJobStatus status, TrainingAttempt failed, Instant now, Outcome outcome) {
        AttemptLifecycle.AfterFailure next =
                AttemptLifecycle.afterFailure(job.getSpec(), status, failed, isRetryable(failed.reason));
        if (next.retry()) {
            startAttempt(job, status, TrainingAttempts.RETRY, now, outcome);
            return;
        }
        status.completionTime = Timestamps.format(now);
        TrainingStatus.phase(
                status,
                TrainingPhase.Failed,
                failed.reason,
                next.message(),
                job.getMetadata().getGeneration(),
                now);
        metrics.finished(Backend.SageMaker, TrainingPhase.Failed, TrainingAttempts.duration(status));
    }

    static boolean isRetryable(String reason) {
        return reason != null
                && switch (reason) {
                    case "CapacityError", "SpotInterrupted", "InternalServerError", "InternalError" -> true;
                    default -> false;
                };
    }

    /**
     * Records a new attempt and its SageMaker job name in status without creating the job: the status is written
     * first, the next reconcile creates the job ({@link #create}). An operator that stops in between finds the name
     * in status and creates (or, if the create went through, adopts) that one job, never a second.
     */
    private void startAttempt(TrainingJob job, TrainingJobStatus status, String cause, Instant now, Outcome outcome) {
        int number = TrainingAttempts.next(status);
        TrainingAttempt attempt = TrainingAttempts.append(
                status,
                number,
                ResourceNames.attemptName(
                        job.getMetadata().getName(), job.getMetadata().getUid(), number),
                cause,
                now);
        SageMakerTarget target = target(job);
        status.logs = logs(target, attempt.backendName);
        status.sagemaker = new SageMakerTrainingStatus();
        status.sagemaker.trainingJobName = attempt.backendName;
        status.sagemaker.region = target.region();
        metrics.attemptStarted(Backend.SageMaker, cause);
        TrainingStatus.phase(
                status,
                TrainingPhase.Pending,
                "CreatingSageMakerJob",
                "attempt " + number + ": creating SageMaker job " + attempt.backendName + " in " + target.region()
                        + " (" + why(status, attempt) + ")",
                job.getMetadata().getGeneration(),
                now);
        outcome.requeueNow();
    }

    /**
     * Checks the request SageMaker would get for shape problems the CRD cannot express; with any, the TrainingJob
     * fails with reason PreflightFailed naming each, and nothing is sent. Returns whether it passed.
     */
    private boolean preflight(TrainingJob job, TrainingJobStatus status, Instant now, Outcome outcome) {
        String name = ResourceNames.attemptName(
                job.getMetadata().getName(), job.getMetadata().getUid(), TrainingAttempts.next(status));
        List<String> problems = SageMakerPreflight.problems(
                target(job).region(), CreateTrainingJobMapping.request(job, name, TrainingAttempts.next(status)));
        if (problems.isEmpty()) {
            return true;
        }
        String message = "SageMaker would reject this job: " + String.join("; ", problems);
        status.completionTime = Timestamps.format(now);
        TrainingStatus.phase(
                status,
                TrainingPhase.Failed,
                "PreflightFailed",
                message,
                job.getMetadata().getGeneration(),
                now);
        outcome.warning(EventReason.PREFLIGHT_FAILED, message);
        return false;
    }

    private static String why(TrainingJobStatus status, TrainingAttempt attempt) {
        return AttemptLifecycle.why(status, attempt);
    }

    /** Whether SageMaker confirmed the creation of the attempt's job (its ARN is known). */
    private static boolean created(TrainingJobStatus status, TrainingAttempt attempt) {
        return status.sagemaker != null
                && attempt.backendName.equals(status.sagemaker.trainingJobName)
                && status.sagemaker.trainingJobArn != null;
    }

    /**
     * Creates the job recorded in status; if it exists (created before a restart) it is adopted. A request SageMaker
     * rejects as invalid fails the attempt with reason CreateRejected and SageMaker's message; other errors
     * propagate and the next reconcile tries again.
     */
    private void create(
            TrainingJob job, TrainingJobStatus status, TrainingAttempt attempt, Instant now, Outcome outcome) {
        SageMakerTarget target = target(job);
        Optional<String> arn;
        try {
            arn = service.create(target, CreateTrainingJobMapping.request(job, attempt.backendName, attempt.number));
        } catch (AwsServiceException e) {
            if (AwsCallFailures.rejected(e)) {
                String message = "SageMaker rejected CreateTrainingJob: " + AwsCallFailures.errorMessage(e);
                endAttempt(attempt, TrainingPhase.Failed, "CreateRejected", message, now);
                status.completionTime = Timestamps.format(now);
                TrainingStatus.phase(
                        status,
                        TrainingPhase.Failed,
                        "CreateRejected",
                        message,
                        job.getMetadata().getGeneration(),
                        now);
                outcome.warning(EventReason.CREATE_REJECTED, message);
                return;
            }
            throw e;
        }
        String message = "attempt " + attempt.number + ": SageMaker training job " + attempt.backendName + " in "
                + target.region() + " ";
        if (arn.isPresent()) {
            status.sagemaker.trainingJobArn = arn.get();
            watcher.track(target, attempt.backendName, ResourceID.fromResource(job));
            message += "created, " + why(status, attempt);
            TrainingStatus.phase(
                    status,
                    TrainingPhase.Pending,
                    "AttemptCreated",
                    message,
                    job.getMetadata().getGeneration(),
                    now);
            outcome.normal(EventReason.ATTEMPT_CREATED, message);
            return;
        }
        // Created before the operator restarted, perhaps long ago: its state is applied now, because SageMaker's
        // list of recent changes (all the watcher sees) may never mention the job again, for example if it ended.
        Optional<DescribeTrainingJobResponse> described = service.describe(target, attempt.backendName);
        if (described.isEmpty()) {
            outcome.requeueAfter(settings.minPollInterval()); // in use but not yet visible: look again
            return;
        }
        message += "adopted (created before the operator restarted), " + why(status, attempt);
        outcome.normal(EventReason.ATTEMPT_ADOPTED, message);
        TrainingStatus.phase(
                status,
                TrainingPhase.Pending,
                "AttemptAdopted",
                message,
                job.getMetadata().getGeneration(),
                now);
        watcher.track(target, attempt.backendName, ResourceID.fromResource(job));
        watcher.takeChanged(attempt.backendName); // described just now
        apply(job, status, attempt, target, described.get(), now, outcome);
    }

    private void stop(
            TrainingJob job, TrainingJobStatus status, TrainingAttempt current, Instant now, Outcome outcome) {
        if (TrainingAttempts.isTerminal(status.phase)) {
            return;
        }
        Long generation = job.getMetadata().getGeneration();
        if (current != null && !TrainingAttempts.isTerminal(current.phase)) {
            SageMakerTarget target = target(job);
            watcher.track(target, current.backendName, ResourceID.fromResource(job)); // after a restart too
            if (current.phase != TrainingPhase.Stopping) {
                service.stop(target, current.backendName); // once: later reconciles only look whether it stopped
                // recorded at once, so that a failing call below (throttled) does not lead to a second stop
                current.phase = TrainingPhase.Stopping;
                TrainingStatus.phase(
                        status,
                        TrainingPhase.Stopping,
                        "Stopping",
                        "asked SageMaker to stop " + current.backendName,
                        generation,
                        now);
                if (created(status, current)) {
                    return; // the batch poll says when SageMaker has stopped it: no describe per job on a timer
                }
            } else if (!watcher.takeChanged(current.backendName)) {
                return; // nothing new since the last look
            }
            Optional<DescribeTrainingJobResponse> d;
            try {
                d = service.describe(target, current.backendName);
            } catch (SdkException | RateLimitedException e) {
                watcher.markChanged(current.backendName);
                throw e;
            }
            d.ifPresent(r -> record(status, target, r));
            SageMakerJobState state = d.map(SageMakerJobState::of).orElse(null);
            if (state != null && !state.ended()) {
                TrainingStatus.phase(
                        status,
                        TrainingPhase.Stopping,
                        "Stopping",
                        "waiting for SageMaker to stop " + current.backendName,
                        generation,
                        now);
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
    @Override
    public boolean release(TrainingJob job) {
        TrainingJobStatus status = job.getStatus();
        TrainingAttempt current = status == null ? null : TrainingAttempts.current(status);
        if (current == null || TrainingAttempts.isTerminal(current.phase)) {
            return true;
        }
        JobDeletionPolicy policy = job.getSpec().deletionPolicy != null
                ? job.getSpec().deletionPolicy
                : JobDeletionPolicy.valueOf(settings.defaultDeletionPolicy());
        if (policy == JobDeletionPolicy.Retain) {
            watcher.untrack(current.backendName);
            return true;
        }
        SageMakerTarget target = target(job);
        Optional<DescribeTrainingJobResponse> d = service.describe(target, current.backendName);
        boolean ended = d.map(r -> SageMakerJobState.of(r).ended()).orElse(true);
        if (ended) {
            watcher.untrack(current.backendName);
        } else if (d.get().trainingJobStatus()
                == software.amazon.awssdk.services.sagemaker.model.TrainingJobStatus.IN_PROGRESS) {
            service.stop(target, current.backendName); // only while it runs: once Stopping, deletion just waits
        }
        return ended;
    }

    @Override
    public ReleaseNotes releaseNotes() {
        return RELEASE;
    }

    private static final ReleaseNotes RELEASE = new ReleaseNotes(
            EventReason.STOPPING,
            "waiting for SageMaker to stop the job before the resource goes (deletionPolicy Stop)",
            "cannot stop the SageMaker job yet",
            "SageMaker job released (deletionPolicy)");

    private static void record(TrainingJobStatus status, SageMakerTarget target, DescribeTrainingJobResponse d) {
        SageMakerTrainingStatus sm = new SageMakerTrainingStatus();
        sm.trainingJobName = d.trainingJobName();
        sm.trainingJobArn = d.trainingJobArn();
        sm.region = target.region();
        sm.trainingJobStatus = d.trainingJobStatusAsString();
        sm.secondaryStatus = d.secondaryStatusAsString();
        if (d.hasSecondaryStatusTransitions() && !d.secondaryStatusTransitions().isEmpty()) {
            sm.secondaryStatusMessage = d.secondaryStatusTransitions()
                    .get(d.secondaryStatusTransitions().size() - 1)
                    .statusMessage();
        }
        sm.failureReason = d.failureReason();
        status.sagemaker = sm;
    }

    private static void metrics(TrainingJobStatus status, DescribeTrainingJobResponse d) {
        if (!d.hasFinalMetricDataList() || d.finalMetricDataList().isEmpty()) {
            return;
        }
        Map<String, Double> values =
                status.metrics == null ? new LinkedHashMap<>() : new LinkedHashMap<>(status.metrics);
        for (MetricData m : d.finalMetricDataList()) {
            if (m.metricName() != null && m.value() != null) {
                values.put(m.metricName(), m.value().doubleValue());
            }
        }
        status.metrics = values;
    }

    private static void billing(TrainingJobStatus status, DescribeTrainingJobResponse d) {
        if (d.trainingTimeInSeconds() != null) {
            status.trainingSeconds =
                    (status.trainingSeconds == null ? 0 : status.trainingSeconds) + d.trainingTimeInSeconds();
        }
        if (d.billableTimeInSeconds() != null) {
            status.billableSeconds =
                    (status.billableSeconds == null ? 0 : status.billableSeconds) + d.billableTimeInSeconds();
        }
        if (status.trainingSeconds != null
                && status.trainingSeconds > 0
                && status.billableSeconds != null
                && Boolean.TRUE.equals(d.enableManagedSpotTraining())) {
            status.spotSavingsPercent =
                    Math.round(1000.0 * (1 - (double) status.billableSeconds / status.trainingSeconds)) / 10.0;
        }
    }

    static LogsPointer logs(SageMakerTarget target, String jobName) {
        LogsPointer logs = new LogsPointer();
        logs.cloudWatchLogGroup = LOG_GROUP;
        logs.cloudWatchLogStreamPrefix = jobName + "/";
        logs.command = "aws logs tail " + LOG_GROUP + " --log-stream-name-prefix " + jobName + "/ --region "
                + target.region() + " --follow";
        String filter = URLEncoder.encode(LOG_GROUP, StandardCharsets.UTF_8).replace("%", "$25");
        logs.consoleUrl = "https://" + target.region() + ".console.aws.amazon.com/cloudwatch/home?region="
                + target.region() + "#logsV2:log-groups/log-group/" + filter + "$3FlogStreamNameFilter$3D" + jobName;
        return logs;
    }

    private static void endAttempt(
            TrainingAttempt attempt, TrainingPhase phase, String reason, String message, Instant now) {
        AttemptLifecycle.end(attempt, phase, reason, message, null, now);
    }
}
