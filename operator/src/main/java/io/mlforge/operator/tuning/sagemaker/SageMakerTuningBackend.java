package io.mlforge.operator.tuning.sagemaker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mlforge.api.v1alpha1.JobDeletionPolicy;
import io.mlforge.api.v1alpha1.SageMakerTuningStatus;
import io.mlforge.api.v1alpha1.TrialCounts;
import io.mlforge.api.v1alpha1.TrialPhase;
import io.mlforge.api.v1alpha1.TrialSummary;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningPhase;
import io.mlforge.operator.aws.AwsCallFailures;
import io.mlforge.operator.aws.SageMakerSettings;
import io.mlforge.operator.aws.SageMakerTarget;
import io.mlforge.operator.aws.SageMakerTuningService;
import io.mlforge.operator.core.EventReason;
import io.mlforge.operator.core.Outcome;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.ResourceBackend.ReleaseNotes;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.tuning.TuningBackend;
import io.mlforge.operator.tuning.TuningSettings;
import io.mlforge.operator.tuning.TuningStatus;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sagemaker.model.DescribeHyperParameterTuningJobResponse;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterTrainingJobSummary;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterTuningJobStatus;
import software.amazon.awssdk.services.sagemaker.model.ObjectiveStatus;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobStatus;

/**
 * Runs TuningJobs with backend SageMaker as one SageMaker hyperparameter tuning job: the name (from name and UID,
 * within 32 characters) is written to status before CreateHyperParameterTuningJob, so a restarted operator adopts
 * the job instead of creating a second. Status comes from DescribeHyperParameterTuningJob (counters, best trial,
 * completion details) and, when the counters move, the latest trials; the describe interval grows while nothing
 * changes. spec.stop and deletion (deletionPolicy Stop) stop the tuning job and its trials.
 */
@Singleton
public class SageMakerTuningBackend implements TuningBackend {
    @Inject
    SageMakerTuningService service;

    @Inject
    SageMakerSettings settings;

    @Inject
    TuningSettings tuningSettings;

    @Inject
    KubernetesClient client;

    private final Map<String, Duration> intervals = new java.util.concurrent.ConcurrentHashMap<>();

    SageMakerTarget target(TuningJob job) {
        var sm = job.getSpec().trainingJobTemplate.spec.sagemaker;
        return new SageMakerTarget(
                sm == null || sm.region == null ? settings.defaultRegion() : sm.region,
                sm == null ? null : sm.assumeRoleArn);
    }

    @Override
    public void reconcile(Reconciliation.Scope<TuningJob, TuningJobStatus> scope, Context<TuningJob> context) {
        reconcile(scope.resource(), scope.status(), scope.now(), scope.outcome());
    }

    /** One step: changes {@code status}; the outcome holds its Events and when to look again (nothing once the job ended). */
    public Outcome reconcile(TuningJob job, TuningJobStatus status, Instant now, Outcome outcome) {
        step(job, status, now, outcome).ifPresent(outcome::requeueAfter);
        return outcome;
    }

    private Optional<Duration> step(TuningJob job, TuningJobStatus status, Instant now, Outcome events) {
        Long generation = job.getMetadata().getGeneration();
        SageMakerTarget target = target(job);
        if (status.sagemaker == null || status.sagemaker.tuningJobName == null) {
            Optional<List<String>> parents = parents(job);
            if (parents.isEmpty()) {
                phase(
                        status,
                        TuningPhase.Pending,
                        "WaitingForParents",
                        "waiting for the warm-start parents " + job.getSpec().warmStart.parents
                                + " to finish on SageMaker",
                        generation,
                        now);
                return Optional.of(Duration.ofSeconds(30));
            }
            status.sagemaker = new SageMakerTuningStatus();
            status.sagemaker.tuningJobName = CreateTuningJobMapping.tuningJobName(
                    job.getMetadata().getName(), job.getMetadata().getUid());
            status.sagemaker.region = target.region();
            status.startTime = Timestamps.format(now);
            phase(
                    status,
                    TuningPhase.Pending,
                    "CreatingSageMakerTuningJob",
                    "creating SageMaker tuning job " + status.sagemaker.tuningJobName + " in " + target.region(),
                    generation,
                    now);
            return Optional.of(Duration.ZERO); // the name is written first; the next step creates exactly that job
        }
        String name = status.sagemaker.tuningJobName;
        if (status.sagemaker.tuningJobArn == null) {
            if (Boolean.TRUE.equals(job.getSpec().stop)) {
                phase(status, TuningPhase.Stopped, "Stopped", "stopped before SageMaker started it", generation, now);
                status.completionReason = "Stopped";
                return Optional.empty();
            }
            try {
                Optional<String> arn = service.createTuning(
                        target, CreateTuningJobMapping.request(job, parents(job).orElse(List.of())));
                if (arn.isPresent()) {
                    status.sagemaker.tuningJobArn = arn.get();
                    events.normal(
                            EventReason.SAGEMAKER_TUNING_JOB_CREATED,
                            "created SageMaker tuning job " + name + " in " + target.region());
                } else {
                    service.describeTuning(target, name)
                            .ifPresent(d -> status.sagemaker.tuningJobArn = d.hyperParameterTuningJobArn());
                    events.normal(
                            EventReason.SAGEMAKER_TUNING_JOB_ADOPTED,
                            "adopted SageMaker tuning job " + name + " (created before a restart)");
                }
            } catch (AwsServiceException e) {
                if (AwsCallFailures.rejected(e)) {
                    String message =
                            "SageMaker rejected CreateHyperParameterTuningJob: " + AwsCallFailures.errorMessage(e);
                    status.completionReason = "CreateRejected";
                    status.completionTime = Timestamps.format(now);
                    phase(status, TuningPhase.Failed, "CreateRejected", message, generation, now);
                    events.warning(EventReason.CREATE_REJECTED, message);
                    return Optional.empty();
                }
                throw e;
            }
            phase(status, TuningPhase.Running, "Created", "SageMaker tuning job " + name + " created", generation, now);
            return Optional.of(settings.minPollInterval());
        }
        boolean ended =
                List.of("Completed", "Failed", "Stopped").contains(String.valueOf(status.sagemaker.tuningJobStatus));
        if (ended) {
            return Optional.empty();
        }
        if (Boolean.TRUE.equals(job.getSpec().stop) && !"Stopping".equals(status.sagemaker.tuningJobStatus)) {
            service.stopTuning(target, name);
            status.sagemaker.tuningJobStatus = "Stopping";
            phase(
                    status,
                    TuningPhase.Stopping,
                    "Stopping",
                    "stopping SageMaker tuning job " + name + " and its trials",
                    generation,
                    now);
            return Optional.of(settings.minPollInterval());
        }
        Optional<DescribeHyperParameterTuningJobResponse> described = service.describeTuning(target, name);
        if (described.isEmpty()) {
            status.sagemaker.tuningJobArn = null; // unknown to SageMaker now: create it again under the same name
            return Optional.of(Duration.ZERO);
        }
        boolean changed = record(job, status, described.get(), target, now);
        String uid = job.getMetadata().getUid();
        Duration interval = changed
                ? settings.minPollInterval()
                : Duration.ofMillis(Math.min(settings.maxPollInterval().toMillis(), (long)
                        (intervals.getOrDefault(uid, settings.minPollInterval()).toMillis() * 1.5)));
        intervals.put(uid, interval);
        return List.of(TuningPhase.Completed, TuningPhase.Failed, TuningPhase.Stopped)
                        .contains(status.phase)
                ? Optional.empty()
                : Optional.of(interval);
    }

    /** Copies SageMaker's view into status; returns whether anything changed. */
    private boolean record(
            TuningJob job,
            TuningJobStatus status,
            DescribeHyperParameterTuningJobResponse d,
            SageMakerTarget target,
            Instant now) {
        Long generation = job.getMetadata().getGeneration();
        String before = String.valueOf(status.sagemaker.tuningJobStatus) + status.trialCounts;
        status.sagemaker.tuningJobStatus = d.hyperParameterTuningJobStatusAsString();
        status.sagemaker.failureReason = d.failureReason();
        var c = d.trainingJobStatusCounters();
        TrialCounts counts = new TrialCounts();
        if (c != null) {
            counts.succeeded = c.completed();
            counts.running = c.inProgress();
            counts.failed = c.nonRetryableError() + c.retryableError();
            counts.stopped = c.stopped();
            counts.total = c.completed() + c.inProgress() + counts.failed + c.stopped();
            counts.stoppedEarly = 0;
        }
        boolean countsChanged =
                !String.valueOf(counts).equals(String.valueOf(status.trialCounts)) || status.trials == null;
        status.trialCounts = counts;
        if (d.bestTrainingJob() != null) {
            status.bestTrial = summary(d.bestTrainingJob());
        }
        if (countsChanged) {
            List<TrialSummary> trials = new ArrayList<>(
                    service.trials(target, status.sagemaker.tuningJobName, tuningSettings.statusTrialLimit()).stream()
                            .map(SageMakerTuningBackend::summary)
                            .toList());
            java.util.Collections.reverse(trials); // newest last
            status.trials = trials;
            status.trialCounts.stoppedEarly = (int) trials.stream()
                    .filter(t -> t.phase == TrialPhase.StoppedEarly)
                    .count();
        }
        String name = status.sagemaker.tuningJobName;
        HyperParameterTuningJobStatus state = d.hyperParameterTuningJobStatus() == null
                ? HyperParameterTuningJobStatus.UNKNOWN_TO_SDK_VERSION
                : d.hyperParameterTuningJobStatus();
        switch (state) {
            case COMPLETED -> {
                var details = d.tuningJobCompletionDetails();
                status.completionReason = details != null && details.convergenceDetectedTime() != null
                        ? "Converged"
                        : details != null
                                        && details.numberOfTrainingJobsObjectiveNotImproving() != null
                                        && job.getSpec().completionCriteria != null
                                        && job.getSpec().completionCriteria.maxTrialsWithoutImprovement != null
                                        && details.numberOfTrainingJobsObjectiveNotImproving()
                                                >= job.getSpec().completionCriteria.maxTrialsWithoutImprovement
                                ? "NotImproving"
                                : "MaxTrialsReached";
                status.completionTime = Timestamps.format(
                        d.hyperParameterTuningEndTime() != null ? d.hyperParameterTuningEndTime() : now);
                phase(
                        status,
                        TuningPhase.Completed,
                        status.completionReason,
                        "SageMaker tuning job " + name + " completed"
                                + (status.bestTrial == null
                                        ? ""
                                        : "; best " + status.bestTrial.name + " = " + status.bestTrial.objectiveValue),
                        generation,
                        now);
            }
            case FAILED -> {
                status.completionReason = "Failed";
                status.completionTime = Timestamps.format(now);
                phase(
                        status,
                        TuningPhase.Failed,
                        "SageMakerTuningJobFailed",
                        "SageMaker tuning job " + name + " failed: " + d.failureReason(),
                        generation,
                        now);
            }
            case STOPPED -> {
                status.completionReason = "Stopped";
                status.completionTime = Timestamps.format(now);
                phase(
                        status,
                        TuningPhase.Stopped,
                        "Stopped",
                        "SageMaker tuning job " + name + " stopped",
                        generation,
                        now);
            }
            case STOPPING ->
                phase(status, TuningPhase.Stopping, "Stopping", "SageMaker is stopping " + name, generation, now);
            default ->
                phase(
                        status,
                        TuningPhase.Running,
                        "InProgress",
                        status.trialCounts.running + " trial(s) running, " + status.trialCounts.total + " started"
                                + (status.bestTrial == null ? "" : ", best " + status.bestTrial.objectiveValue),
                        generation,
                        now);
        }
        return !before.equals(String.valueOf(status.sagemaker.tuningJobStatus) + status.trialCounts);
    }

    static TrialSummary summary(HyperParameterTrainingJobSummary s) {
        TrialSummary t = new TrialSummary();
        t.name = s.trainingJobName();
        Map<String, String> parameters = new LinkedHashMap<>();
        if (s.hasTunedHyperParameters()) {
            parameters.putAll(s.tunedHyperParameters());
        }
        t.parameters = parameters;
        t.objectiveValue = s.finalHyperParameterTuningJobObjectiveMetric() == null
                ? null
                : s.finalHyperParameterTuningJobObjectiveMetric().value().doubleValue();
        t.phase = switch (s.trainingJobStatus() == null
                ? TrainingJobStatus.UNKNOWN_TO_SDK_VERSION
                : s.trainingJobStatus()) {
            case COMPLETED -> TrialPhase.Succeeded;
            case FAILED -> TrialPhase.Failed;
            case STOPPED ->
                s.trainingEndTime() != null && s.objectiveStatus() == ObjectiveStatus.SUCCEEDED
                        ? TrialPhase.StoppedEarly
                        : TrialPhase.Stopped;
            default -> TrialPhase.Running;
        };
        t.reason = s.failureReason();
        t.startTime = s.trainingStartTime() == null ? null : Timestamps.format(s.trainingStartTime());
        t.completionTime = s.trainingEndTime() == null ? null : Timestamps.format(s.trainingEndTime());
        return t;
    }

    /** SageMaker names of the warm-start parents, or empty while one has not finished (or has no SageMaker job). */
    private Optional<List<String>> parents(TuningJob job) {
        var warm = job.getSpec().warmStart;
        if (warm == null || warm.parents == null) {
            return Optional.of(List.of());
        }
        List<String> names = new ArrayList<>();
        for (String parent : warm.parents) {
            TuningJob p = client.resources(TuningJob.class)
                    .inNamespace(job.getMetadata().getNamespace())
                    .withName(parent)
                    .get();
            if (p == null
                    || p.getStatus() == null
                    || p.getStatus().sagemaker == null
                    || p.getStatus().sagemaker.tuningJobName == null
                    || !List.of(TuningPhase.Completed, TuningPhase.Stopped).contains(p.getStatus().phase)) {
                return Optional.empty();
            }
            names.add(p.getStatus().sagemaker.tuningJobName);
        }
        return Optional.of(names);
    }

    private static void phase(
            TuningJobStatus status, TuningPhase phase, String reason, String message, Long generation, Instant now) {
        TuningStatus.phase(status, phase, reason, message, generation, now);
    }

    @Override
    public ReleaseNotes releaseNotes() {
        return RELEASE;
    }

    private static final ReleaseNotes RELEASE = new ReleaseNotes(
            EventReason.STOPPING,
            "waiting for SageMaker to stop the tuning job before the resource goes (deletionPolicy Stop)",
            "cannot stop the SageMaker tuning job yet",
            "SageMaker tuning job released (deletionPolicy)");

    /** Deletion: with policy Stop the tuning job is stopped and the resource waits until it ended; Retain leaves it. */
    @Override
    public boolean release(TuningJob job) {
        TuningJobStatus status = job.getStatus();
        if (status == null || status.sagemaker == null || status.sagemaker.tuningJobName == null) {
            return true;
        }
        JobDeletionPolicy policy = job.getSpec().deletionPolicy != null
                ? job.getSpec().deletionPolicy
                : JobDeletionPolicy.valueOf(settings.defaultDeletionPolicy());
        intervals.remove(job.getMetadata().getUid());
        if (policy == JobDeletionPolicy.Retain) {
            return true;
        }
        SageMakerTarget target = target(job);
        String name = status.sagemaker.tuningJobName;
        Optional<DescribeHyperParameterTuningJobResponse> d = service.describeTuning(target, name);
        if (d.isEmpty()) {
            return true;
        }
        HyperParameterTuningJobStatus state = d.get().hyperParameterTuningJobStatus();
        if (state == HyperParameterTuningJobStatus.IN_PROGRESS) {
            service.stopTuning(target, name);
            return false;
        }
        return state != HyperParameterTuningJobStatus.STOPPING;
    }
}
