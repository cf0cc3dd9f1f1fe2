package io.mlforge.operator.tuning;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningPhase;
import io.mlforge.operator.core.EventRecorder;
import io.mlforge.operator.core.StatusWriter;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.tuning.optimizer.Observation;
import io.mlforge.operator.tuning.optimizer.SearchSpace;
import io.mlforge.operator.tuning.optimizer.Suggester;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import io.mlforge.operator.tuning.sagemaker.SageMakerTuningBackend;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Reconciles TuningJobs. Backend SageMaker goes to {@link SageMakerTuningBackend}. Backend Kubernetes (the
 * operator's own optimizer): reads the trials from their
 * TrainingJobs, asks {@link TuningPlanner} what to do, creates and stops trials, and writes status. Trials are named
 * deterministically by index, so a restarted operator finds them instead of creating them again. A finalizer
 * deletes the trials (which stop their pods or SageMaker jobs) when the TuningJob is deleted.
 */
@ControllerConfiguration(name = TuningJobReconciler.NAME)
public class TuningJobReconciler implements Reconciler<TuningJob>, Cleaner<TuningJob> {
    public static final String NAME = "tuningjob";
    private static final Logger LOG = Logger.getLogger(TuningJobReconciler.class);

    @Inject
    KubernetesClient client;

    @Inject
    StatusWriter statusWriter;

    @Inject
    EventRecorder events;

    @Inject
    TuningSettings settings;

    @Inject
    Clock clock;

    @Inject
    SageMakerTuningBackend sagemaker;

    /** One suggester per search: the Bayesian one keeps its last hyperparameter fit as the next fit's start. */
    private final Map<String, Suggester> suggesters = new ConcurrentHashMap<>();

    @Override
    public List<EventSource<?, TuningJob>> prepareEventSources(EventSourceContext<TuningJob> context) {
        var trials = InformerEventSourceConfiguration.from(TrainingJob.class, TuningJob.class)
                .withLabelSelector(TuningLabels.TUNING_JOB)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(TuningJob.class))
                .build();
        return List.of(new InformerEventSource<>(trials, context));
    }

    @Override
    public UpdateControl<TuningJob> reconcile(TuningJob cached, Context<TuningJob> context) {
        TuningJob job = statusWriter.fresh(cached);
        Instant now = clock.instant();
        TuningJobStatus before = job.getStatus();
        TuningJobStatus status = before == null ? new TuningJobStatus() : client.getKubernetesSerialization().clone(before);
        Long generation = job.getMetadata().getGeneration();
        if (job.getSpec().backend == Backend.SageMaker) {
            Optional<Duration> next = sagemaker.reconcile(job, status, now, (warning, note) -> {
                if (warning) {
                    events.warning(job, note[0], note[1]);
                } else {
                    events.normal(job, note[0], note[1]);
                }
            });
            recordEvents(job, before, status, List.of());
            write(job, before, status);
            UpdateControl<TuningJob> control = UpdateControl.noUpdate();
            next.ifPresent(d -> control.rescheduleAfter(d.isZero() ? Duration.ofMillis(10) : d));
            return control;
        }
        SearchSpace space = SearchSpace.of(job.getSpec().parameters);
        List<TrainingJob> children = new ArrayList<>(context.getSecondaryResources(TrainingJob.class));
        List<Trial> trials = withUnseen(job, status, children);
        Optional<List<Observation>> warmStart = WarmStart.observations(client, job);
        if (warmStart.isEmpty()) {
            status.phase = TuningPhase.Pending;
            status.message = "waiting for the warm-start parents " + job.getSpec().warmStart.parents + " to finish";
            status.conditions = io.mlforge.operator.core.Conditions.set(status.conditions, io.mlforge.api.v1alpha1.Condition.READY,
                    io.mlforge.api.v1alpha1.ConditionStatus.False, "WaitingForParents", status.message, generation, now);
            write(job, before, status);
            return UpdateControl.<TuningJob>noUpdate().rescheduleAfter(Duration.ofSeconds(30));
        }
        Suggester suggester = suggesters.computeIfAbsent(job.getMetadata().getUid(), uid -> SuggesterFactory.of(job.getSpec(), space));
        TuningPlan plan = TuningPlanner.plan(job.getSpec(), status, trials, warmStart.get(), suggester, space, now);

        // The next index is recorded before the trials exist; their names are derived from it, so nothing is created twice.
        TuningStatus.update(job.getSpec(), status, trials, plan, settings.statusTrialLimit(), generation, now);
        TuningJobStatus original = before;
        if (!plan.create.isEmpty()) {
            write(job, before, status);
            before = job.getStatus();
        }
        for (TuningPlan.NewTrial t : plan.create) {
            create(job, t);
        }
        for (TuningPlan.Stop s : plan.stop) {
            stop(job, s);
        }
        recordEvents(job, original, status, trials);
        write(job, before, status);
        UpdateControl<TuningJob> control = UpdateControl.noUpdate();
        if (job.getSpec().maxRuntimeSeconds != null && status.phase == TuningPhase.Running) {
            Instant deadline = Timestamps.parse(status.startTime).plusSeconds(job.getSpec().maxRuntimeSeconds);
            control.rescheduleAfter(Duration.between(now, deadline).plusSeconds(1));
        }
        return control;
    }

    /**
     * The trials, including those the status records but the informer has not delivered yet (read directly); a trial
     * that does not exist at all (deleted, or its creation failed) counts as a failed trial, so the search goes on.
     */
    private List<Trial> withUnseen(TuningJob job, TuningJobStatus status, List<TrainingJob> children) {
        String metric = job.getSpec().objective.metricName;
        List<Trial> trials = new ArrayList<>(TrialObserver.observe(children, metric));
        int recorded = status.nextTrialIndex == null ? 0 : status.nextTrialIndex;
        java.util.Set<Integer> seen = new java.util.HashSet<>(trials.stream().map(Trial::index).toList());
        List<TrainingJob> late = new ArrayList<>();
        for (int i = 0; i < recorded; i++) {
            if (seen.contains(i)) {
                continue;
            }
            String name = TrialFactory.name(job, i);
            TrainingJob child = client.resources(TrainingJob.class).inNamespace(job.getMetadata().getNamespace()).withName(name).get();
            if (child != null) {
                late.add(child);
            } else {
                trials.add(new Trial(i, name, Map.of(), io.mlforge.api.v1alpha1.TrialPhase.Failed, null, List.of(), "TrialMissing", null, null, null));
            }
        }
        trials.addAll(TrialObserver.observe(late, metric));
        trials.sort(java.util.Comparator.comparingInt(Trial::index));
        return trials;
    }

    private void create(TuningJob job, TuningPlan.NewTrial t) {
        TrainingJobSpec template = client.getKubernetesSerialization().clone(job.getSpec().trainingJobTemplate.spec);
        TrainingJob trial = TrialFactory.trial(job, t.index(), t.parameters(), t.extraHyperParameters(), t.annotations(), template);
        try {
            client.resource(trial).create();
            events.normal(job, "TrialCreated", "trial " + t.index() + " (" + trial.getMetadata().getName() + "): " + t.parameters()
                    + (t.extraHyperParameters().isEmpty() ? "" : " with " + t.extraHyperParameters()));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            LOG.debugf("trial %s exists already (created before a restart)", trial.getMetadata().getName());
        }
    }

    private void stop(TuningJob job, TuningPlan.Stop s) {
        TrainingJob child = client.resources(TrainingJob.class).inNamespace(job.getMetadata().getNamespace()).withName(s.name()).get();
        if (child == null || Boolean.TRUE.equals(child.getSpec().stop)) {
            return;
        }
        client.resources(TrainingJob.class).inNamespace(job.getMetadata().getNamespace()).withName(s.name()).edit(c -> {
            c.getSpec().stop = true;
            c.getMetadata().getAnnotations().put(TuningLabels.STOPPED_BY, s.reason());
            return c;
        });
        if ("MedianRule".equals(s.reason())) {
            events.normal(job, "TrialStoppedEarly", s.name() + ": " + s.message());
        }
    }

    private void recordEvents(TuningJob job, TuningJobStatus before, TuningJobStatus status, List<Trial> trials) {
        String previousBest = before == null || before.bestTrial == null ? null : before.bestTrial.name;
        if (status.bestTrial != null && !Objects.equals(previousBest, status.bestTrial.name)) {
            events.normal(job, "BestTrialImproved", status.bestTrial.name + ": " + job.getSpec().objective.metricName + " = "
                    + status.bestTrial.objectiveValue + " with " + status.bestTrial.parameters);
        }
        TuningPhase previous = before == null ? null : before.phase;
        if (status.phase != previous) {
            if (status.phase == TuningPhase.Failed) {
                events.warning(job, "Failed", status.message);
            } else {
                events.normal(job, status.phase.name(), status.message);
            }
            LOG.infof("%s/%s phase %s -> %s: %s", job.getMetadata().getNamespace(), job.getMetadata().getName(), previous, status.phase,
                    status.message);
        }
    }

    private void write(TuningJob job, TuningJobStatus before, TuningJobStatus status) {
        status.observedGeneration = job.getMetadata().getGeneration();
        String a = before == null ? null : client.getKubernetesSerialization().asJson(before);
        String b = client.getKubernetesSerialization().asJson(status);
        if (!b.equals(a)) {
            job.setStatus(status);
            TuningJob written = statusWriter.write(job);
            job.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
            job.setStatus(client.getKubernetesSerialization().clone(status));
        }
    }

    @Override
    public DeleteControl cleanup(TuningJob job, Context<TuningJob> context) {
        suggesters.remove(job.getMetadata().getUid());
        statusWriter.forget(job.getMetadata().getUid());
        if (job.getSpec().backend == Backend.SageMaker) {
            try {
                if (!sagemaker.release(job)) {
                    events.normal(job, "Stopping", "waiting for SageMaker to stop the tuning job before the resource goes (deletionPolicy Stop)");
                    return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(5));
                }
            } catch (SdkException | io.mlforge.operator.core.aws.RateLimitedException e) {
                events.warning(job, "BackendError", "cannot stop the SageMaker tuning job yet: " + e.getMessage());
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(15));
            }
            events.normal(job, "Deleted", "SageMaker tuning job released (deletionPolicy)");
        } else {
            client.resources(TrainingJob.class).inNamespace(job.getMetadata().getNamespace())
                    .withLabel(TuningLabels.TUNING_JOB, io.mlforge.operator.core.ResourceNames.labelValue(job.getMetadata().getName())).delete();
            events.normal(job, "Deleted", "trials deleted (each stops its pods or SageMaker job)");
        }
        return DeleteControl.defaultDelete();
    }
}
