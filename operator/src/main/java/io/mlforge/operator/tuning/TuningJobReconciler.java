package io.mlforge.operator.tuning;

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
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningPhase;
import io.mlforge.operator.core.EventReason;
import io.mlforge.operator.core.EventRecorder;
import io.mlforge.operator.core.Outcome;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.StatusModel;
import io.mlforge.operator.core.StatusWriter;
import io.mlforge.operator.tuning.kubernetes.KubernetesTuningBackend;
import io.mlforge.operator.tuning.sagemaker.SageMakerTuningBackend;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * Reconciles TuningJobs: backend SageMaker goes to {@link SageMakerTuningBackend}, backend Kubernetes (the operator's
 * own optimizer) to {@link KubernetesTuningBackend}; status and Events go through the shared reconcile path. A
 * finalizer deletes the trials (which stop their pods or SageMaker jobs) or releases the SageMaker tuning job when the
 * TuningJob is deleted.
 */
@ControllerConfiguration(name = TuningJobReconciler.NAME)
public class TuningJobReconciler implements Reconciler<TuningJob>, Cleaner<TuningJob> {
    public static final String NAME = "tuningjob";

    @Inject
    StatusWriter statusWriter;

    @Inject
    EventRecorder events;

    @Inject
    Reconciliation reconciliation;

    @Inject
    SageMakerTuningBackend sagemaker;

    @Inject
    KubernetesTuningBackend kubernetes;


    @Override
    public List<EventSource<?, TuningJob>> prepareEventSources(EventSourceContext<TuningJob> context) {
        var trials = InformerEventSourceConfiguration.from(TrainingJob.class, TuningJob.class)
                .withLabelSelector(TuningLabels.TUNING_JOB)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(TuningJob.class))
                .build();
        return List.of(new InformerEventSource<>(trials, context));
    }

    /** What the shared reconcile path needs to know about a TuningJob's status. */
    static final StatusModel<TuningJobStatus> STATUS = new StatusModel<>(TuningJobStatus::new, s -> s.phase, s -> s.message,
            s -> s.phase == TuningPhase.Failed, (s, generation) -> s.observedGeneration = generation);

    @Override
    public UpdateControl<TuningJob> reconcile(TuningJob cached, Context<TuningJob> context) {
        Reconciliation.Scope<TuningJob, TuningJobStatus> scope = reconciliation.begin(cached, STATUS);
        TuningJob job = scope.resource();
        Outcome outcome = job.getSpec().backend == Backend.SageMaker ? sagemaker.reconcile(job, scope.status(), scope.now())
                : kubernetes.reconcile(job, scope.status(), scope.initial(), List.copyOf(context.getSecondaryResources(TrainingJob.class)),
                        scope.now(), () -> reconciliation.writeNow(scope));
        return reconciliation.finish(scope, outcome);
    }

    @Override
    public DeleteControl cleanup(TuningJob job, Context<TuningJob> context) {
        statusWriter.forget(job.getMetadata().getUid());
        if (job.getSpec().backend == Backend.SageMaker) {
            Optional<DeleteControl> wait = reconciliation.awaitRelease(job, () -> sagemaker.release(job), EventReason.STOPPING,
                    "waiting for SageMaker to stop the tuning job before the resource goes (deletionPolicy Stop)",
                    "cannot stop the SageMaker tuning job yet");
            if (wait.isPresent()) {
                return wait.get();
            }
            events.normal(job, EventReason.DELETED, "SageMaker tuning job released (deletionPolicy)");
        } else {
            kubernetes.release(job);
            events.normal(job, EventReason.DELETED, "trials deleted (each stops its pods or SageMaker job)");
        }
        return DeleteControl.defaultDelete();
    }
}
