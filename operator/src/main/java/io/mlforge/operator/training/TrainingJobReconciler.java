package io.mlforge.operator.training;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.mlforge.operator.core.StatusWriter;
import io.mlforge.operator.training.kubernetes.KubernetesTrainingBackend;
import io.mlforge.operator.training.kubernetes.TrainingLabels;
import io.mlforge.operator.training.kubernetes.TrainingWorkloads;
import io.mlforge.operator.training.metrics.TrainerLogMetricsCollector;
import io.mlforge.operator.training.sagemaker.SageMakerTrainingBackend;
import io.mlforge.operator.training.sagemaker.SageMakerWatcher;
import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Reconciles TrainingJobs: hands the job to its backend, records Events for what changed, keeps the Prometheus
 * gauges current, and writes status only when it changed. A finalizer lets deletion remove the job's pods.
 */
@ControllerConfiguration(name = TrainingJobReconciler.NAME)
public class TrainingJobReconciler implements Reconciler<TrainingJob>, Cleaner<TrainingJob> {
    public static final String NAME = "trainingjob";
    private static final Logger LOG = Logger.getLogger(TrainingJobReconciler.class);

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
    KubernetesClient client;

    @Inject
    StatusWriter statusWriter;

    @Inject
    Clock clock;

    @Override
    public List<EventSource<?, TrainingJob>> prepareEventSources(EventSourceContext<TrainingJob> context) {
        var pods = InformerEventSourceConfiguration.from(Pod.class, TrainingJob.class)
                .withLabelSelector(TrainingLabels.MANAGED_BY + "=" + TrainingLabels.MANAGED_BY_VALUE)
                .build();
        return List.of(new InformerEventSource<>(pods, context), sagemakerWatcher.eventSource());
    }

    @Override
    public UpdateControl<TrainingJob> reconcile(TrainingJob cached, Context<TrainingJob> context) {
        MDC.put("resource", cached.getMetadata().getNamespace() + "/" + cached.getMetadata().getName());
        try {
            TrainingJob job = statusWriter.fresh(cached);
            Instant now = clock.instant();
            TrainingJobStatus before = job.getStatus() == null ? null : client.getKubernetesSerialization().clone(job.getStatus());
            TrainingJobStatus status = job.getStatus() == null ? new TrainingJobStatus() : client.getKubernetesSerialization().clone(job.getStatus());
            Backend backend = job.getSpec().backend == null ? Backend.Kubernetes : job.getSpec().backend;
            TrainingOutcome outcome;
            if (backend == Backend.Kubernetes) {
                outcome = kubernetes.reconcile(job, status, List.copyOf(context.getSecondaryResources(Pod.class)), now);
            } else {
                outcome = sagemaker.reconcile(job, status, now);
            }
            status.observedGeneration = job.getMetadata().getGeneration();
            recordEvents(job, before, status, outcome);
            metrics.phase(job.getMetadata().getUid(), backend, status.phase);

            if (!Objects.equals(json(before), json(status))) {
                job.setStatus(status);
                statusWriter.write(job);
            }
            UpdateControl<TrainingJob> control = UpdateControl.noUpdate();
            outcome.requeueDelay(clock.instant()).ifPresent(control::rescheduleAfter);
            return control;
        } finally {
            MDC.remove("resource");
        }
    }

    private void recordEvents(TrainingJob job, TrainingJobStatus before, TrainingJobStatus status, TrainingOutcome outcome) {
        for (TrainingOutcome.EventNote note : outcome.events()) {
            if (note.warning()) {
                events.warning(job, note.reason(), note.message());
            } else {
                events.normal(job, note.reason(), note.message());
            }
        }
        TrainingPhase previous = before == null ? null : before.phase;
        if (status.phase != null && status.phase != previous) {
            String message = status.message == null ? status.phase.name() : status.message;
            if (status.phase == TrainingPhase.Failed) {
                events.warning(job, "Failed", message);
            } else {
                events.normal(job, status.phase.name(), message);
            }
            LOG.infof("phase %s -> %s: %s", previous, status.phase, message);
        }
    }

    private String json(Object status) {
        return status == null ? null : client.getKubernetesSerialization().asJson(status);
    }

    @Override
    public DeleteControl cleanup(TrainingJob job, Context<TrainingJob> context) {
        if (job.getSpec().backend == Backend.SageMaker) {
            boolean released;
            try {
                released = sagemaker.release(job);
            } catch (SdkException e) {
                LOG.warnf("deleting: SageMaker call failed, retrying: %s", e.getMessage());
                events.warning(job, "BackendError", "cannot stop the SageMaker job yet: " + e.getMessage());
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(15));
            }
            if (!released) {
                events.normal(job, "Stopping", "waiting for SageMaker to stop the job before the resource goes (deletionPolicy Stop)");
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(5));
            }
        }
        workloads.deleteAll(job.getMetadata().getNamespace(), job.getMetadata().getUid());
        logMetrics.forget(job);
        metrics.forget(job.getMetadata().getUid());
        statusWriter.forget(job.getMetadata().getUid());
        events.normal(job, "Deleted", job.getSpec().backend == Backend.SageMaker ? "SageMaker job released (deletionPolicy)"
                : "pods and Services removed");
        return DeleteControl.defaultDelete();
    }
}
