package io.mlforge.operator.tuning;

import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.api.v1alpha1.TuningPhase;
import io.mlforge.operator.core.BackendReconciler;
import io.mlforge.operator.core.PrunedItemStore;
import io.mlforge.operator.core.StatusModel;
import io.mlforge.operator.tuning.kubernetes.KubernetesTuningBackend;
import io.mlforge.operator.tuning.sagemaker.SageMakerTuningBackend;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Reconciles TuningJobs in the shared shape ({@link BackendReconciler}): backend SageMaker goes to
 * {@link SageMakerTuningBackend}, backend Kubernetes (the operator's own optimizer) to {@link KubernetesTuningBackend}.
 * A finalizer deletes the trials (which stop their pods or SageMaker jobs) or releases the SageMaker tuning job when
 * the TuningJob is deleted.
 */
@ControllerConfiguration(name = TuningJobReconciler.NAME)
public class TuningJobReconciler extends BackendReconciler<TuningJob, TuningJobStatus, TuningBackend> {
    public static final String NAME = "tuningjob";

    /** For the CDI client proxy (the reconciler is application scoped). */
    protected TuningJobReconciler() {
        this(null, null);
    }

    @Inject
    public TuningJobReconciler(KubernetesTuningBackend kubernetes, SageMakerTuningBackend sagemaker) {
        super(
                StatusModel.of(
                        TuningJobStatus.class,
                        TuningJobStatus::new,
                        TuningPhase.Failed,
                        TuningPhase.Pending,
                        TuningPhase.Running),
                kubernetes,
                sagemaker,
                resource -> resource.getSpec().backend);
    }

    @Override
    public List<EventSource<?, TuningJob>> prepareEventSources(EventSourceContext<TuningJob> context) {
        var trials = InformerEventSourceConfiguration.from(TrainingJob.class, TuningJob.class)
                .withLabelSelector(TuningLabels.TUNING_JOB)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(TuningJob.class))
                .withItemStore(PrunedItemStore.withoutManagedFields())
                .withInformerListLimit(PrunedItemStore.LIST_PAGE)
                .build();
        return List.of(new InformerEventSource<>(trials, context));
    }
}
