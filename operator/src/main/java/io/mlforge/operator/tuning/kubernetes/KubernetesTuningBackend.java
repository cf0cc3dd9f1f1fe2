package io.mlforge.operator.tuning.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningPhase;
import io.mlforge.operator.core.EventReason;
import io.mlforge.operator.core.Outcome;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.ResourceBackend.ReleaseNotes;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.tuning.SuggesterFactory;
import io.mlforge.operator.tuning.Trial;
import io.mlforge.operator.tuning.TrialFactory;
import io.mlforge.operator.tuning.TrialObserver;
import io.mlforge.operator.tuning.TuningBackend;
import io.mlforge.operator.tuning.TuningLabels;
import io.mlforge.operator.tuning.TuningPlan;
import io.mlforge.operator.tuning.TuningPlanner;
import io.mlforge.operator.tuning.TuningSettings;
import io.mlforge.operator.tuning.TuningStatus;
import io.mlforge.operator.tuning.WarmStart;
import io.mlforge.operator.tuning.optimizer.Observation;
import io.mlforge.operator.tuning.optimizer.SearchSpace;
import io.mlforge.operator.tuning.optimizer.Suggester;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * A TuningJob searched by the operator's own optimizer: reads the trials from their TrainingJobs, asks
 * {@link TuningPlanner} what to do, creates and stops trials. Trials are named deterministically by index and the next
 * index is stored before they are created, so a restarted operator finds them instead of creating them again.
 */
@Singleton
public class KubernetesTuningBackend implements TuningBackend {
    private static final Logger LOG = Logger.getLogger(KubernetesTuningBackend.class);

    @Inject
    KubernetesClient client;

    @Inject
    TuningSettings settings;

    @Inject
    Reconciliation reconciliation;

    /** One suggester per search: the Bayesian one keeps its last hyperparameter fit as the next fit's start. */
    private final Map<String, Suggester> suggesters = new ConcurrentHashMap<>();

    @Override
    public void reconcile(Reconciliation.Scope<TuningJob, TuningJobStatus> scope, Context<TuningJob> context) {
        reconcile(
                scope.resource(),
                scope.status(),
                scope.initial(),
                context.getSecondaryResourcesAsStream(TrainingJob.class).toList(),
                scope.now(),
                () -> reconciliation.writeNow(scope),
                scope.outcome());
    }

    /**
     * One step: changes {@code status}; {@code storeStatus} writes it at once (the names of new trials are stored
     * before the trials are created); {@code initial} is the status as the reconcile found it.
     */
    public Outcome reconcile(
            TuningJob job,
            TuningJobStatus status,
            TuningJobStatus initial,
            List<TrainingJob> children,
            Instant now,
            Runnable storeStatus,
            Outcome outcome) {
        Long generation = job.getMetadata().getGeneration();
        SearchSpace space = SearchSpace.of(job.getSpec().parameters);
        List<Trial> trials = withUnseen(job, status, children);
        Optional<List<Observation>> warmStart = WarmStart.observations(client, job);
        if (warmStart.isEmpty()) {
            status.phase = TuningPhase.Pending;
            status.message = "waiting for the warm-start parents " + job.getSpec().warmStart.parents + " to finish";
            status.conditions = io.mlforge.operator.core.Conditions.set(
                    status.conditions,
                    io.mlforge.api.v1alpha1.Condition.READY,
                    io.mlforge.api.v1alpha1.ConditionStatus.False,
                    "WaitingForParents",
                    status.message,
                    generation,
                    now);
            outcome.requeueAfter(Duration.ofSeconds(30));
            return outcome;
        }
        Suggester suggester = suggesters.computeIfAbsent(
                job.getMetadata().getUid(), uid -> SuggesterFactory.of(job.getSpec(), space));
        TuningPlan plan = TuningPlanner.plan(job.getSpec(), status, trials, warmStart.get(), suggester, space, now);

        // The next index is recorded before the trials exist; their names are derived from it, so nothing is created
        // twice.
        TuningStatus.update(job.getSpec(), status, trials, plan, settings.statusTrialLimit(), generation, now);
        if (!plan.create.isEmpty()) {
            storeStatus.run();
        }
        for (TuningPlan.NewTrial t : plan.create) {
            create(job, t, outcome);
        }
        for (TuningPlan.Stop s : plan.stop) {
            stop(job, s, outcome);
        }
        if (status.paretoFront != null) {
            java.util.Set<String> before = initial == null || initial.paretoFront == null
                    ? java.util.Set.of()
                    : initial.paretoFront.stream().map(t -> t.name).collect(java.util.stream.Collectors.toSet());
            List<String> joined = status.paretoFront.stream()
                    .filter(t -> !before.contains(t.name))
                    .map(t -> t.name + " " + t.objectiveValues)
                    .toList();
            if (!joined.isEmpty()) {
                outcome.normal(
                        EventReason.PARETO_FRONT_CHANGED,
                        "Pareto front of " + status.paretoFrontSize + " trial(s); joined: "
                                + String.join(", ", joined.subList(0, Math.min(3, joined.size())))
                                + (joined.size() > 3 ? " and " + (joined.size() - 3) + " more" : ""));
            }
        }
        String previousBest = initial == null || initial.bestTrial == null ? null : initial.bestTrial.name;
        if (status.bestTrial != null && !Objects.equals(previousBest, status.bestTrial.name)) {
            outcome.normal(
                    EventReason.BEST_TRIAL_IMPROVED,
                    status.bestTrial.name + ": "
                            + TuningPlanner.objectiveMetrics(job.getSpec()).get(0) + " = "
                            + status.bestTrial.objectiveValue + " with " + status.bestTrial.parameters);
        }
        if (job.getSpec().maxRuntimeSeconds != null && status.phase == TuningPhase.Running) {
            Instant deadline = Timestamps.parse(status.startTime).plusSeconds(job.getSpec().maxRuntimeSeconds);
            outcome.requeueAfter(Duration.between(now, deadline).plusSeconds(1));
        }
        return outcome;
    }

    /** Deletes the search's trials (each stops its pods or SageMaker job) and forgets its suggester. */
    @Override
    public boolean release(TuningJob job) {
        suggesters.remove(job.getMetadata().getUid());
        client.resources(TrainingJob.class)
                .inNamespace(job.getMetadata().getNamespace())
                .withLabel(
                        TuningLabels.TUNING_JOB,
                        ResourceNames.labelValue(job.getMetadata().getName()))
                .delete();
        return true;
    }

    @Override
    public ReleaseNotes releaseNotes() {
        return RELEASE;
    }

    private static final ReleaseNotes RELEASE = new ReleaseNotes(
            EventReason.STOPPING,
            "waiting for the trials to go",
            "cannot delete the trials yet",
            "trials deleted (each stops its pods or SageMaker job)");

    /**
     * The trials, including those the status records but the informer has not delivered yet (read directly); a trial
     * that does not exist at all (deleted, or its creation failed) counts as a failed trial, so the search goes on.
     */
    private List<Trial> withUnseen(TuningJob job, TuningJobStatus status, List<TrainingJob> children) {
        List<String> metric = TuningPlanner.objectiveMetrics(job.getSpec());
        List<Trial> trials = new ArrayList<>(TrialObserver.observe(children, metric));
        int recorded = status.nextTrialIndex == null ? 0 : status.nextTrialIndex;
        java.util.Set<Integer> seen =
                new java.util.HashSet<>(trials.stream().map(Trial::index).toList());
        List<TrainingJob> late = new ArrayList<>();
        for (int i = 0; i < recorded; i++) {
            if (seen.contains(i)) {
                continue;
            }
            String name = TrialFactory.name(job, i);
            TrainingJob child = client.resources(TrainingJob.class)
                    .inNamespace(job.getMetadata().getNamespace())
                    .withName(name)
                    .get();
            if (child != null) {
                late.add(child);
            } else {
                trials.add(new Trial(
                        i,
                        name,
                        Map.of(),
                        io.mlforge.api.v1alpha1.TrialPhase.Failed,
                        null,
                        List.of(),
                        "TrialMissing",
                        null,
                        null,
                        null,
                        null));
            }
        }
        trials.addAll(TrialObserver.observe(late, metric));
        trials.sort(java.util.Comparator.comparingInt(Trial::index));
        return trials;
    }

    private void create(TuningJob job, TuningPlan.NewTrial t, Outcome outcome) {
        TrainingJobSpec template = client.getKubernetesSerialization().clone(job.getSpec().trainingJobTemplate.spec);
        TrainingJob trial =
                TrialFactory.trial(job, t.index(), t.parameters(), t.extraHyperParameters(), t.annotations(), template);
        try {
            client.resource(trial).create();
            outcome.normal(
                    EventReason.TRIAL_CREATED,
                    "trial " + t.index() + " (" + trial.getMetadata().getName() + "): " + t.parameters()
                            + (t.extraHyperParameters().isEmpty() ? "" : " with " + t.extraHyperParameters()));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            LOG.debugf(
                    "trial %s exists already (created before a restart)",
                    trial.getMetadata().getName());
        }
    }

    private void stop(TuningJob job, TuningPlan.Stop s, Outcome outcome) {
        TrainingJob child = client.resources(TrainingJob.class)
                .inNamespace(job.getMetadata().getNamespace())
                .withName(s.name())
                .get();
        if (child == null || Boolean.TRUE.equals(child.getSpec().stop)) {
            return;
        }
        client.resources(TrainingJob.class)
                .inNamespace(job.getMetadata().getNamespace())
                .withName(s.name())
                .edit(c -> {
                    c.getSpec().stop = true;
                    c.getMetadata().getAnnotations().put(TuningLabels.STOPPED_BY, s.reason());
                    return c;
                });
        if ("MedianRule".equals(s.reason())) {
            outcome.normal(EventReason.TRIAL_STOPPED_EARLY, s.name() + ": " + s.message());
        }
    }
}
