package io.mlforge.operator.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.operator.aws.RateLimitedException;
import io.mlforge.operator.core.RecordedEvents;
import io.mlforge.operator.training.sagemaker.SageMakerTrainingBackend;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Regression: deleting a SageMaker TrainingJob while our client-side rate limiter holds SageMaker calls back. The
 * TrainingJob cleanup used to catch only AWS SDK errors, so the limiter's exception escaped (no BackendError Event, no
 * scheduled retry) where the TuningJob and Endpoint cleanups retried.
 */
class TrainingJobCleanupTest {
    private static final String FINALIZER = "trainingjobs.mlforge.io/finalizer";

    @Test
    void aRateLimitedStopKeepsTheFinalizerAndRetriesWithABackendErrorEvent() {
        RecordedEvents recorded = new RecordedEvents();
        SageMakerTrainingBackend limited = new SageMakerTrainingBackend() {
            @Override
            public boolean release(TrainingJob job) {
                throw new RateLimitedException("sagemaker/us-east-1", Duration.ofSeconds(2), 1.0);
            }
        };
        TrainingJobReconciler reconciler = recorded.wire(new TrainingJobReconciler(null, limited));
        TrainingJob job = new TrainingJob();
        job.getMetadata().setName("train");
        job.getMetadata().setNamespace("ml");
        job.setSpec(new TrainingJobSpec());
        job.getSpec().backend = Backend.SageMaker;
        job.getMetadata().setDeletionTimestamp("2026-12-02T00:00:00Z");
        job.getMetadata().getFinalizers().add(FINALIZER);

        // no finalizer patch happens: the client is null, so removing it would fail the test
        UpdateControl<TrainingJob> control = reconciler.release(job, FINALIZER);

        assertThat(control.getScheduleDelay()).isPresent();
        assertThat(recorded.recorded)
                .singleElement()
                .asString()
                .startsWith("Warning BackendError: cannot stop the SageMaker job yet: backing off");
    }
}
