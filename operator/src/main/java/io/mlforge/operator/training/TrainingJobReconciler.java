package io.mlforge.operator.training;

import io.mlforge.operator.core.EventReason;
import io.fabric8.kubernetes.api.model.Pod;
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
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.operator.core.EventRecorder;
import io.mlforge.operator.core.Outcome;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.StatusModel;
import io.mlforge.operator.core.StatusWriter;
import io.mlforge.operator.training.kubernetes.KubernetesTrainingBackend;
import io.mlforge.operator.training.kubernetes.TrainingLabels;
import io.mlforge.operator.training.kubernetes.TrainingWorkloads;
import io.mlforge.operator.training.metrics.TrainerLogMetricsCollector;
import io.mlforge.operator.training.sagemaker.SageMakerTrainingBackend;
import io.mlforge.operator.training.sagemaker.SageMakerWatcher;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * Reconciles TrainingJobs: hands the job to its backend, records Events for what changed, keeps the Prometheus
 * gauges current, and writes status only when it changed. A finalizer lets deletion remove the job's pods.
 */
@ControllerConfiguration(name = TrainingJobReconciler.NAME)
public class TrainingJobReconciler implements Reconciler<TrainingJob>, Cleaner<TrainingJob> {
    public static final String NAME = "trainingjob";

    @Inject
    KubernetesTrainingBackend kubernetes;

    @Inject
    SageMakerTrainingBackend sagemaker;

    @Inject
    SageMakerWatcher sagemakerWatcher;

    @Inject
    TrainingWorkloads workloads;

    @Inject
    TrainerLogMetricsCollector logMetrics;

    @Inject
    EventRecorder events;

    @Inject
    TrainingMetrics metrics;

    @Inject
    StatusWriter statusWriter;

    @Inject
    Reconciliation reconciliation;

    @Override
    public List<EventSource<?, TrainingJob>> prepareEventSources(EventSourceContext<TrainingJob> context) {
        var pods = InformerEventSourceConfiguration.from(Pod.class, TrainingJob.class)
                .withLabelSelector(TrainingLabels.MANAGED_BY + "=" + TrainingLabels.MANAGED_BY_VALUE)
                .build();
        return List.of(new InformerEventSource<>(pods, context), sagemakerWatcher.eventSource());
    }

    /** What the shared reconcile path needs to know about a TrainingJob's status. */
    static final StatusModel<TrainingJobStatus> STATUS = new StatusModel<>(TrainingJobStatus::new, s -> s.phase, s -> s.message,
            s -> s.phase == TrainingPhase.Failed, (s, generation) -> s.observedGeneration = generation);

    @Override
    public UpdateControl<TrainingJob> reconcile(TrainingJob cached, Context<TrainingJob> context) {
        Reconciliation.Scope<TrainingJob, TrainingJobStatus> scope = reconciliation.begin(cached, STATUS);
        TrainingJob job = scope.resource();
        TrainingJobStatus status = scope.status();
        Backend backend = job.getSpec().backend == null ? Backend.Kubernetes : job.getSpec().backend;
        Outcome outcome = backend == Backend.Kubernetes
                ? kubernetes.reconcile(job, status, List.copyOf(context.getSecondaryResources(Pod.class)), scope.now())
                : sagemaker.reconcile(job, status, scope.now());
        metrics.phase(job.getMetadata().getUid(), backend, status.phase);
        return reconciliation.finish(scope, outcome);
    }

    @Override
    public DeleteControl cleanup(TrainingJob job, Context<TrainingJob> context) {
        if (job.getSpec().backend == Backend.SageMaker) {
            Optional<DeleteControl> wait = reconciliation.awaitRelease(job, () -> sagemaker.release(job), EventReason.STOPPING,
                    "waiting for SageMaker to stop the job before the resource goes (deletionPolicy Stop)", "cannot stop the SageMaker job yet");
            if (wait.isPresent()) {
                return wait.get();
            }
        }
        workloads.deleteAll(job.getMetadata().getNamespace(), job.getMetadata().getUid());
        logMetrics.forget(job);
        metrics.forget(job.getMetadata().getUid());
        statusWriter.forget(job.getMetadata().getUid());
        events.normal(job, EventReason.DELETED, job.getSpec().backend == Backend.SageMaker ? "SageMaker job released (deletionPolicy)"
                : "pods and Services removed");
        return DeleteControl.defaultDelete();
    }
}
