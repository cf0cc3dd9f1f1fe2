package io.mlforge.operator.training.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.LogsPointer;
import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.operator.core.ClusterSettings;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.core.EventReason;
import io.mlforge.operator.core.Outcome;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.ResourceBackend.ReleaseNotes;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.dataagent.DataAgentSettings;
import io.mlforge.operator.kueue.KueueWorkloads;
import io.mlforge.operator.training.AttemptLifecycle;
import io.mlforge.operator.training.TrainingAttempts;
import io.mlforge.operator.training.TrainingBackend;
import io.mlforge.operator.training.TrainingMetrics;
import io.mlforge.operator.training.TrainingSettings;
import io.mlforge.operator.training.TrainingStatus;
import io.mlforge.operator.training.metrics.TrainerLogMetricsCollector;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Runs TrainingJobs with backend Kubernetes: one attempt at a time, each a planned group of pods. Observes the
 * current attempt, decides (complete, retry, fail, stop, suspend, enforce the run-time limit, clean up after the
 * TTL) and acts through {@link TrainingWorkloads}. The status it writes is the whole truth about the job: a
 * restarted operator continues from it.
 */
@Singleton
public class KubernetesTrainingBackend implements TrainingBackend {
    public static final String CREATED = TrainingAttempts.CREATED;
    public static final String RETRY = TrainingAttempts.RETRY;
    public static final String RESUMED = TrainingAttempts.RESUMED;
    public static final String RESTARTED = TrainingAttempts.RESTARTED;

    @Inject
    TrainingSettings settings;

    @Inject
    TrainingWorkloads workloads;

    @Inject
    TrainerLogMetricsCollector logMetrics;

    @Inject
    TrainingMetrics metrics;

    @Inject
    DataAgentSettings dataAgent;

    @Inject
    ClusterSettings cluster;

    @Inject
    KueueWorkloads kueue;

    PodGroupPlanner planner() {
        return new PodGroupPlanner(settings, dataAgent, cluster);
    }

    AttemptObserver observer() {
        return new AttemptObserver(settings.unschedulableAfter(), settings.stuckContainerTimeout());
    }

    @Override
    public void reconcile(Reconciliation.Scope<TrainingJob, TrainingJobStatus> scope, Context<TrainingJob> context) {
        reconcile(scope.resource(), scope.status(), podsOf(scope.resource(), context), scope.now(), scope.outcome());
    }

    /** The job's pods (all attempts) from the informer's index; the same objects the cache holds: read, never change. */
    @SuppressWarnings("unchecked")
    private static List<Pod> podsOf(TrainingJob job, Context<TrainingJob> context) {
        var source = (InformerEventSource<Pod, TrainingJob>)
                context.eventSourceRetriever().getEventSourceFor(Pod.class);
        return source.byIndex(TrainingLabels.PODS_BY_JOB_UID, job.getMetadata().getUid());
    }

    /**
     * No finalizer: the job's pods and Service are owned by it (controller owner references), so the garbage collector
     * removes them when the job goes, as it does a Job's pods. One API request and one reconcile less per job.
     */
    @Override
    public boolean releasesBeforeDeletion() {
        return false;
    }

    /**
     * A job that still carries the finalizer (made by an earlier version of the operator): its pods and Services
     * are deleted before it goes.
     */
    @Override
    public boolean release(TrainingJob job) {
        workloads.deleteAll(job.getMetadata().getNamespace(), job.getMetadata().getUid());
        return true;
    }

    @Override
    public void forget(TrainingJob job) {
        logMetrics.forget(job);
    }

    @Override
    public ReleaseNotes releaseNotes() {
        return RELEASE;
    }

    /**
     * How long the kubelet may have been starting an attempt's first pod ({@code status.startTime}) without all of the
     * attempt's pods running before the job shows Starting: a start that takes longer is worth a status write of its
     * own (an image pull, a volume attach, the data agent's download); a shorter one is the kubelet's ordinary work,
     * and the job goes from Pending to Running in one write. The timestamp has whole seconds, so the wait is 9 to 10 s.
     */
    static final Duration STARTING_REPORTED_AFTER = Duration.ofSeconds(10);

    /**
     * How long an attempt's first pod may have been bound to its node (PodScheduled) with no kubelet reporting on any
     * of its pods before the job shows Starting all the same, saying so: a kubelet takes up a bound pod within a
     * second, so a minute of silence means a node that is overloaded or gone (the node lifecycle controller acts on
     * the latter after its own grace periods).
     */
    static final Duration UNACKNOWLEDGED_REPORTED_AFTER = Duration.ofSeconds(60);

    private static final ReleaseNotes RELEASE = new ReleaseNotes(
            EventReason.STOPPING,
            "waiting for the pods to stop",
            "cannot remove the pods yet",
            "pods and Services removed");

    /**
     * One reconcile. {@code cachedPods} are the job's pods from the informer cache (all attempts).
     */
    public Outcome reconcile(
            TrainingJob job, TrainingJobStatus status, List<Pod> cachedPods, Instant now, Outcome outcome) {
        TrainingJobSpec spec = job.getSpec();
        Long generation = job.getMetadata().getGeneration();
        TrainingAttempt current = current(status);
        return switch (AttemptLifecycle.next(spec, status)) {
            case STOP -> stop(job, status, current, now, outcome);
            case ENDED -> cleanUpAfterTtl(job, status, now, outcome);
            case RESTART_ENDED -> {
                AttemptLifecycle.beginNewRun(spec, status, generation, now);
                startAttempt(job, status, RESTARTED, now, outcome);
                yield outcome;
            }
            case REPLACE_RUNNING -> {
                workloads.stopAttempt(job.getMetadata().getNamespace(), current.backendName);
                if (!isTerminal(current.phase)) {
                    gpuTime(job, current, now);
                }
                AttemptLifecycle.replaced(spec, status, current, now);
                startAttempt(job, status, RESTARTED, now, outcome);
                yield outcome;
            }
            case SUSPEND -> suspend(job, status, current, now, outcome);
            case FIRST -> {
                status.observedRestartNonce = spec.restartNonce;
                startAttempt(job, status, CREATED, now, outcome);
                yield outcome;
            }
            case RESUME -> {
                status.conditions = Conditions.set(
                        status.conditions,
                        TrainingJobStatus.SUSPENDED,
                        ConditionStatus.False,
                        "Resumed",
                        "spec.suspend is false",
                        generation,
                        now);
                startAttempt(job, status, RESUMED, now, outcome);
                yield outcome;
            }
            // A previous reconcile recorded the failure but not the next step (e.g. the operator restarted).
            case AFTER_FAILURE -> afterFailure(job, status, current, now, outcome);
            case OBSERVE -> observe(job, status, current, cachedPods, now, outcome);
        };
    }

    private Outcome observe(
            TrainingJob job,
            TrainingJobStatus status,
            TrainingAttempt current,
            List<Pod> cachedPods,
            Instant now,
            Outcome outcome) {
        TrainingJobSpec spec = job.getSpec();
        String namespace = job.getMetadata().getNamespace();
        int expected = instances(spec);
        List<Pod> pods = cachedPods.stream()
                .filter(p -> current.backendName.equals(label(p, TrainingLabels.ATTEMPT)))
                .toList();
        if (pods.size() < expected) {
            pods = workloads.pods(namespace, current.backendName); // the cache may lag behind our own creations
            if (pods.size() < expected && current.phase == TrainingPhase.Pending) {
                try {
                    workloads.create(
                            planner().plan(job, current.number)); // finish a creation an operator restart interrupted
                } catch (TrainingWorkloads.CreationRefused e) {
                    return creationRefused(job, status, current, e, now, outcome);
                }
                pods = workloads.pods(namespace, current.backendName);
            }
        }
        AttemptObservation observation = observer().observe(pods, expected, retryExitCodes(spec), now);
        Long generation = job.getMetadata().getGeneration();
        String rank0 = current.backendName + "-0";
        switch (observation.state()) {
            case SUCCEEDED -> {
                collectMetrics(job, status, namespace, rank0, true, now, outcome);
                endAttempt(job, current, TrainingPhase.Completed, "Completed", "training finished", 0, now);
                status.modelArtifacts = observation.modelArtifacts() != null
                        ? observation.modelArtifacts()
                        : spec.output != null
                                ? PodGroupPlanner.modelArtifactsUri(spec.output, current.backendName)
                                : null;
                status.completionTime = Timestamps.format(now);
                status.trainingSeconds = trainingSeconds(status);
                TrainingStatus.phase(
                        status,
                        TrainingPhase.Completed,
                        "Completed",
                        "training finished"
                                + (status.modelArtifacts == null ? "" : "; model at " + status.modelArtifacts),
                        generation,
                        now);
                status.conditions = Conditions.set(
                        status.conditions,
                        TrainingJobStatus.UNSCHEDULABLE,
                        ConditionStatus.False,
                        "Scheduled",
                        "",
                        generation,
                        now);
                metrics.finished(Backend.Kubernetes, TrainingPhase.Completed, TrainingAttempts.duration(status));
                outcome.requeueAt(ttlDeadline(job, status));
            }
            case FAILED -> {
                collectMetrics(job, status, namespace, rank0, true, now, outcome);
                AttemptObservation.Failure failure = observation.failure();
                workloads.stopAttempt(namespace, current.backendName); // gang: the attempt's other pods stop too
                endAttempt(
                        job,
                        current,
                        TrainingPhase.Failed,
                        failure.reason(),
                        failure.message(),
                        failure.exitCode(),
                        now);
                current.reason = failure.reason();
                metrics.attemptFailed(Backend.Kubernetes, failure.reason());
                outcome.warning(
                        EventReason.ATTEMPT_FAILED,
                        "attempt " + current.number + " failed: " + failure.reason() + ": " + failure.message());
                return afterFailure(job, status, current, now, outcome);
            }
            default -> {
                TrainingPhase phase = switch (observation.state()) {
                    case RUNNING -> TrainingPhase.Running;
                    case STARTING -> TrainingPhase.Starting;
                    case QUEUED -> TrainingPhase.Queued;
                    default -> TrainingPhase.Pending;
                };
                if (phase == TrainingPhase.Queued) {
                    return queued(job, status, current, now, outcome);
                }
                admitted(job, status, current, now);
                Instant startingReported = startingReportedAt(current, observation);
                if (startingReported != null && now.isBefore(startingReported)) {
                    phase = TrainingPhase.Pending; // no write yet: most pods run within seconds of being scheduled
                    outcome.requeueAt(startingReported);
                }
                current.phase = phase;
                if (phase == TrainingPhase.Running && status.startTime == null) {
                    status.startTime = observation.trainerStartedAt() != null
                            ? observation.trainerStartedAt()
                            : Timestamps.format(now);
                }
                String message = switch (phase) {
                    case Running -> "attempt " + current.number + " is training on " + expected + " pod(s)";
                    case Starting -> "attempt " + current.number + " is starting" + startingDetail(observation);
                    default ->
                        "attempt " + current.number + " waits for its pods to be scheduled" + detail(observation);
                };
                TrainingStatus.phase(status, phase, phase.name(), message, generation, now);
                boolean wasUnschedulable = Conditions.isTrue(status.conditions, TrainingJobStatus.UNSCHEDULABLE);
                if (observation.unschedulable()) {
                    status.conditions = Conditions.set(
                            status.conditions,
                            TrainingJobStatus.UNSCHEDULABLE,
                            ConditionStatus.True,
                            "Unschedulable",
                            observation.detail(),
                            generation,
                            now);
                    if (!wasUnschedulable) {
                        outcome.warning(EventReason.UNSCHEDULABLE, observation.detail());
                    }
                } else if (wasUnschedulable && phase != TrainingPhase.Pending) {
                    status.conditions = Conditions.set(
                            status.conditions,
                            TrainingJobStatus.UNSCHEDULABLE,
                            ConditionStatus.False,
                            "Scheduled",
                            "all pods are scheduled",
                            generation,
                            now);
                }
                Instant deadline = runtimeDeadline(spec, current);
                if (deadline != null && !now.isBefore(deadline)) {
                    return maxRuntimeExceeded(job, status, current, now, outcome);
                }
                if (phase == TrainingPhase.Running) {
                    collectMetrics(job, status, namespace, rank0, false, now, outcome);
                    outcome.requeueAt(logMetrics.nextReadAt(job));
                }
                outcome.requeueAt(deadline);
                Instant created = AttemptObserver.newestCreation(pods, Timestamps.parse(current.startTime));
                if (phase != TrainingPhase.Running && created != null) {
                    outcome.requeueAt(observer().nextTimedCheck(created, now));
                }
            }
        }
        return outcome;
    }

    /**
     * The attempt's pods are all held by Kueue's admission gate: phase Queued and condition Queued with Kueue's reason
     * and message from the pod group's Workload, read again while it waits (quota freed elsewhere changes Kueue's
     * message but not the pods): every {@link #QUEUE_FIRST_LOOK} until Kueue's verdict is there, then every
     * {@link #QUEUE_RECHECK}. Admission ungates the pods, and their update reconciles the job at once.
     */
    private Outcome queued(
            TrainingJob job, TrainingJobStatus status, TrainingAttempt current, Instant now, Outcome outcome) {
        String queue = job.getSpec().kubernetes == null ? null : job.getSpec().kubernetes.queueName;
        var admission = kueue.admission(job.getMetadata().getNamespace(), current.backendName);
        String reason = admission
                .map(KueueWorkloads.Admission::reason)
                .filter(r -> !r.isBlank())
                .orElse("Pending");
        String why = admission
                .map(KueueWorkloads.Admission::message)
                .filter(m -> !m.isBlank())
                .orElse("waiting for Kueue to admit the pod group");
        current.phase = TrainingPhase.Queued;
        Long generation = job.getMetadata().getGeneration();
        TrainingStatus.phase(
                status,
                TrainingPhase.Queued,
                "Queued",
                "attempt " + current.number + " is queued in Kueue queue " + queue + ": " + why,
                generation,
                now);
        status.conditions = Conditions.set(
                status.conditions, TrainingJobStatus.QUEUED, ConditionStatus.True, reason, why, generation, now);
        // Kueue makes the Workload and gives its verdict a moment after the pods exist; nothing the operator watches
        // changes then, so it looks again soon, and only at the slow pace once Kueue's reason is in the status.
        boolean considered = admission.map(KueueWorkloads.Admission::considered).orElse(false);
        outcome.requeueAfter(now, considered ? QUEUE_RECHECK : QUEUE_FIRST_LOOK);
        return outcome;
    }

    /** After a Queued attempt's pods were released: condition Queued turns False (Admitted). */
    private static void admitted(TrainingJob job, TrainingJobStatus status, TrainingAttempt current, Instant now) {
        if (Conditions.isTrue(status.conditions, TrainingJobStatus.QUEUED)) {
            status.conditions = Conditions.set(
                    status.conditions,
                    TrainingJobStatus.QUEUED,
                    ConditionStatus.False,
                    "Admitted",
                    "Kueue admitted attempt " + current.number,
                    job.getMetadata().getGeneration(),
                    now);
        }
    }

    /** How often a queued attempt's Workload is read again for Kueue's reason. */
    static final Duration QUEUE_RECHECK = Duration.ofSeconds(30);

    /** How soon a queued attempt's Workload is read again while Kueue has not made it or given its verdict yet. */
    static final Duration QUEUE_FIRST_LOOK = Duration.ofSeconds(2);

    /**
     * When a Pending attempt whose pods have been scheduled is reported as Starting: once the kubelet has been starting
     * its first pod for {@link #STARTING_REPORTED_AFTER} (at once if a pod has something to say, e.g. an image pull
     * back-off), or once its first pod has been bound for {@link #UNACKNOWLEDGED_REPORTED_AFTER} while no kubelet has
     * reported on its pods. A pod that runs within that time takes the job from Pending to Running in one status write
     * instead of two. Null when there is nothing to defer.
     */
    static Instant startingReportedAt(TrainingAttempt current, AttemptObservation observation) {
        if (observation.state() != AttemptObservation.State.STARTING
                || current.phase != TrainingPhase.Pending
                || observation.detail() != null
                || observation.scheduledAt() == null) {
            return null;
        }
        return observation.acknowledgedAt() != null
                ? observation.acknowledgedAt().plus(STARTING_REPORTED_AFTER)
                : observation.scheduledAt().plus(UNACKNOWLEDGED_REPORTED_AFTER);
    }

    /** What a Starting attempt waits for, for its message. */
    private static String startingDetail(AttemptObservation observation) {
        if (observation.detail() == null && observation.acknowledgedAt() == null) {
            return " (its pods are bound to their nodes; no kubelet has reported on them yet)";
        }
        return detail(observation);
    }

    private static String detail(AttemptObservation observation) {
        return observation.detail() == null ? "" : " (" + observation.detail() + ")";
    }

    private Outcome afterFailure(
            TrainingJob job, TrainingJobStatus status, TrainingAttempt failed, Instant now, Outcome outcome) {
        AttemptLifecycle.AfterFailure next = AttemptLifecycle.afterFailure(
                job.getSpec(), status, failed, failed.reason != null && isRetryableReason(job, failed));
        if (next.retry()) {
            startAttempt(job, status, RETRY, now, outcome);
        } else {
            fail(job, status, failed.reason, next.message(), now, outcome);
        }
        return outcome;
    }

    /** Whether the recorded failure allows a new attempt: infrastructure causes, or an exit code listed in retry.onExitCodes. */
    private static boolean isRetryableReason(TrainingJob job, TrainingAttempt failed) {
        return switch (failed.reason) {
            case "Evicted",
                    "Preempted",
                    "NodeLost",
                    "NodeShutdown",
                    "NodeAdmission",
                    "PodLost",
                    "PodDeleted",
                    "PodFailed",
                    "Disrupted",
                    TrainingAttempts.PREEMPTED_BY_KUEUE,
                    TrainingAttempts.EVICTED_BY_KUEUE -> true;
            case "Error", "OOMKilled" ->
                failed.exitCode != null && retryExitCodes(job.getSpec()).contains(failed.exitCode);
            default -> false;
        };
    }

    private Outcome maxRuntimeExceeded(
            TrainingJob job, TrainingJobStatus status, TrainingAttempt current, Instant now, Outcome outcome) {
        workloads.stopAttempt(job.getMetadata().getNamespace(), current.backendName);
        String message = "attempt " + current.number + " ran longer than stopping.maxRuntimeSeconds ("
                + job.getSpec().stopping.maxRuntimeSeconds + " s) and was stopped";
        endAttempt(job, current, TrainingPhase.Failed, "MaxRuntimeExceeded", message, null, now);
        metrics.attemptFailed(Backend.Kubernetes, "MaxRuntimeExceeded");
        fail(job, status, "MaxRuntimeExceeded", message, now, outcome);
        return outcome;
    }

    private Outcome creationRefused(
            TrainingJob job,
            TrainingJobStatus status,
            TrainingAttempt current,
            TrainingWorkloads.CreationRefused e,
            Instant now,
            Outcome outcome) {
        if (e.permanent()) {
            workloads.stopAttempt(job.getMetadata().getNamespace(), current.backendName);
            endAttempt(job, current, TrainingPhase.Failed, "PodRejected", e.getMessage(), null, now);
            fail(job, status, "PodRejected", e.getMessage(), now, outcome);
        } else {
            TrainingStatus.phase(
                    status,
                    TrainingPhase.Pending,
                    "CreationBlocked",
                    e.getMessage(),
                    job.getMetadata().getGeneration(),
                    now);
            outcome.warning(EventReason.CREATION_BLOCKED, e.getMessage());
            outcome.requeueAfter(now, Duration.ofSeconds(30));
        }
        return outcome;
    }

    private void fail(
            TrainingJob job, TrainingJobStatus status, String reason, String message, Instant now, Outcome outcome) {
        status.completionTime = Timestamps.format(now);
        status.trainingSeconds = trainingSeconds(status);
        TrainingStatus.phase(
                status, TrainingPhase.Failed, reason, message, job.getMetadata().getGeneration(), now);
        metrics.finished(Backend.Kubernetes, TrainingPhase.Failed, TrainingAttempts.duration(status));
        outcome.requeueAt(ttlDeadline(job, status));
    }

    private Outcome stop(
            TrainingJob job, TrainingJobStatus status, TrainingAttempt current, Instant now, Outcome outcome) {
        if (isTerminal(status.phase)) {
            return cleanUpAfterTtl(job, status, now, outcome);
        }
        String namespace = job.getMetadata().getNamespace();
        workloads.stopAll(namespace, job.getMetadata().getUid());
        if (current != null && !isTerminal(current.phase)) {
            endAttempt(job, current, TrainingPhase.Stopped, "Stopped", "stopped by spec.stop", null, now);
        }
        if (workloads.anyRunningPods(namespace, job.getMetadata().getUid())) {
            TrainingStatus.phase(
                    status,
                    TrainingPhase.Stopping,
                    "Stopping",
                    "waiting for the pods to terminate",
                    job.getMetadata().getGeneration(),
                    now);
            outcome.requeueAfter(now, Duration.ofSeconds(5));
            return outcome;
        }
        status.completionTime = Timestamps.format(now);
        status.trainingSeconds = trainingSeconds(status);
        TrainingStatus.phase(
                status,
                TrainingPhase.Stopped,
                "Stopped",
                "stopped by spec.stop",
                job.getMetadata().getGeneration(),
                now);
        metrics.finished(Backend.Kubernetes, TrainingPhase.Stopped, TrainingAttempts.duration(status));
        return outcome;
    }

    private Outcome suspend(
            TrainingJob job, TrainingJobStatus status, TrainingAttempt current, Instant now, Outcome outcome) {
        if (status.phase == TrainingPhase.Suspended) {
            return outcome;
        }
        if (current != null && !isTerminal(current.phase)) {
            workloads.stopAttempt(job.getMetadata().getNamespace(), current.backendName);
            endAttempt(job, current, TrainingPhase.Suspended, "Suspended", "pods removed by spec.suspend", null, now);
        }
        Long generation = job.getMetadata().getGeneration();
        TrainingStatus.phase(
                status,
                TrainingPhase.Suspended,
                "Suspended",
                "suspended: no pods run until spec.suspend is false; the next attempt resumes from checkpoints",
                generation,
                now);
        status.conditions = Conditions.set(
                status.conditions,
                TrainingJobStatus.SUSPENDED,
                ConditionStatus.True,
                "Suspended",
                "spec.suspend is true",
                generation,
                now);
        return outcome;
    }

    private Outcome cleanUpAfterTtl(TrainingJob job, TrainingJobStatus status, Instant now, Outcome outcome) {
        Instant deadline = ttlDeadline(job, status);
        if (deadline == null) {
            return outcome;
        }
        if (now.isBefore(deadline)) {
            outcome.requeueAt(deadline);
            return outcome;
        }
        if (workloads.anyPods(
                job.getMetadata().getNamespace(), job.getMetadata().getUid())) {
            workloads.deleteAll(
                    job.getMetadata().getNamespace(), job.getMetadata().getUid());
            outcome.normal(
                    EventReason.CLEANED_UP,
                    "pods and Services removed " + job.getSpec().ttlSecondsAfterFinished
                            + " s after the job finished (ttlSecondsAfterFinished)");
        }
        return outcome;
    }

    private void startAttempt(TrainingJob job, TrainingJobStatus status, String cause, Instant now, Outcome outcome) {
        int number = TrainingAttempts.next(status);
        PlannedAttempt plan = planner().plan(job, number);
        TrainingAttempt attempt = TrainingAttempts.append(status, number, plan.name(), cause, now);
        LogsPointer logs = new LogsPointer();
        logs.command = "kubectl logs -n " + job.getMetadata().getNamespace() + " " + plan.name() + "-0 -c "
                + TrainingLabels.TRAINER
                + (plan.pods().size() > 1
                        ? "   # all hosts: kubectl logs -n " + job.getMetadata().getNamespace() + " -l "
                                + TrainingLabels.ATTEMPT + "=" + plan.name() + " -c " + TrainingLabels.TRAINER
                                + " --prefix"
                        : "");
        status.logs = logs;
        int existing;
        try {
            existing = workloads.create(plan);
        } catch (TrainingWorkloads.CreationRefused e) {
            creationRefused(job, status, attempt, e, now, outcome);
            return;
        }
        metrics.attemptStarted(Backend.Kubernetes, cause);
        String why = AttemptLifecycle.why(status, attempt);
        // the same words the next look at the pods writes, so that look changes nothing (the why is in the Event
        // and in status.attempts)
        TrainingStatus.phase(
                status,
                TrainingPhase.Pending,
                TrainingPhase.Pending.name(),
                "attempt " + number + " waits for its pods to be scheduled",
                job.getMetadata().getGeneration(),
                now);
        outcome.normal(
                EventReason.ATTEMPT_CREATED,
                "attempt " + number + " (" + plan.name() + "): " + plan.pods().size() + " pod(s), " + why);
        outcome.requeueAfter(now, settings.unschedulableAfter());
        if (existing > 0) {
            // created before a crash or a failover, without the status write: they may even have finished, and no
            // further event of theirs need come, so look at them now (the informer has them)
            outcome.requeueNow();
        }
    }

    private void endAttempt(
            TrainingJob job,
            TrainingAttempt attempt,
            TrainingPhase phase,
            String reason,
            String message,
            Integer exitCode,
            Instant now) {
        AttemptLifecycle.end(attempt, phase, reason, message, exitCode, now);
        gpuTime(job, attempt, now);
    }

    private void gpuTime(TrainingJob job, TrainingAttempt attempt, Instant now) {
        Instant start = Timestamps.parse(attempt.startTime);
        if (start != null) {
            TrainingJobSpec spec = job.getSpec();
            int gpus = spec.resources == null || spec.resources.gpusPerInstance == null
                    ? 0
                    : spec.resources.gpusPerInstance;
            metrics.gpuTime(
                    Backend.Kubernetes,
                    gpus * instances(spec) * Duration.between(start, now).toMillis() / 1000.0);
        }
    }

    private void collectMetrics(
            TrainingJob job,
            TrainingJobStatus status,
            String namespace,
            String pod,
            boolean finalRead,
            Instant now,
            Outcome outcome) {
        Map<String, String> invalid = logMetrics.collect(job, status, namespace, pod, finalRead, now);
        if (!invalid.isEmpty()) {
            status.conditions = Conditions.set(
                    status.conditions,
                    TrainingJobStatus.METRICS_PARSED,
                    ConditionStatus.False,
                    "InvalidRegex",
                    "metric definitions that cannot be used: " + invalid,
                    job.getMetadata().getGeneration(),
                    now);
        }
    }

    static TrainingAttempt current(TrainingJobStatus status) {
        return TrainingAttempts.current(status);
    }

    static boolean isTerminal(TrainingPhase phase) {
        return TrainingAttempts.isTerminal(phase);
    }

    private static int instances(TrainingJobSpec spec) {
        return spec.resources == null || spec.resources.instanceCount == null ? 1 : spec.resources.instanceCount;
    }

    private static List<Integer> retryExitCodes(TrainingJobSpec spec) {
        return spec.retry == null || spec.retry.onExitCodes == null ? List.of() : spec.retry.onExitCodes;
    }

    private static Instant runtimeDeadline(TrainingJobSpec spec, TrainingAttempt attempt) {
        if (spec.stopping == null || spec.stopping.maxRuntimeSeconds == null || attempt.startTime == null) {
            return null;
        }
        return Timestamps.parse(attempt.startTime).plusSeconds(spec.stopping.maxRuntimeSeconds);
    }

    private static Instant ttlDeadline(TrainingJob job, TrainingJobStatus status) {
        Integer ttl = job.getSpec().ttlSecondsAfterFinished;
        Instant done = Timestamps.parse(status.completionTime);
        return ttl == null || done == null ? null : done.plusSeconds(ttl);
    }

    private static long trainingSeconds(TrainingJobStatus status) {
        long total = 0;
        for (TrainingAttempt a : status.attempts == null ? List.<TrainingAttempt>of() : status.attempts) {
            Instant start = Timestamps.parse(a.startTime);
            Instant end = Timestamps.parse(a.completionTime);
            if (start != null && end != null) {
                total += Duration.between(start, end).toSeconds();
            }
        }
        return total;
    }

    private static String label(Pod pod, String key) {
        return pod.getMetadata().getLabels() == null
                ? null
                : pod.getMetadata().getLabels().get(key);
    }
}
