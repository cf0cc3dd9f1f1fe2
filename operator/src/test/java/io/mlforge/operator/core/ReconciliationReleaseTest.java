package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.operator.aws.RateLimitedException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** Deletion of a resource with a cloud backend, the one path for all kinds: released, still releasing, a failed call. */
class ReconciliationReleaseTest {
    private final RecordedEvents events = new RecordedEvents();
    private final Reconciliation reconciliation = events.reconciliation();

    private static TrainingJob job() {
        TrainingJob job = new TrainingJob();
        job.getMetadata().setName("train");
        job.getMetadata().setNamespace("ml");
        return job;
    }

    @Test
    void releasedLetsTheResourceGo() {
        assertThat(reconciliation.awaitRelease(job(), () -> true, EventReason.STOPPING, "waiting", "cannot stop"))
                .isEmpty();
        assertThat(events.recorded).isEmpty();
    }

    @Test
    void stillReleasingKeepsTheFinalizerAndLooksAgainSoon() {
        Optional<Duration> wait = reconciliation.awaitRelease(
                job(), () -> false, EventReason.STOPPING, "waiting for SageMaker", "cannot stop");
        assertThat(wait).contains(Reconciliation.RELEASE_POLL);
        assertThat(events.recorded).containsExactly("Normal Stopping: waiting for SageMaker");
    }

    @Test
    void aRateLimitedCallIsABackendErrorAndARetryLikeAnAwsError() {
        for (RuntimeException failure : new RuntimeException[] {
            new RateLimitedException("sagemaker/us-east-1", Duration.ofSeconds(3), 2.5),
            (RuntimeException) SageMakerException.builder()
                    .message("Rate exceeded")
                    .statusCode(400)
                    .build()
        }) {
            events.recorded.clear();
            Optional<Duration> wait = reconciliation.awaitRelease(
                    job(),
                    () -> {
                        throw failure;
                    },
                    EventReason.STOPPING,
                    "waiting",
                    "cannot stop the SageMaker job yet");
            assertThat(wait).contains(Reconciliation.RELEASE_RETRY);
            assertThat(events.recorded)
                    .singleElement()
                    .asString()
                    .startsWith("Warning BackendError: cannot stop the SageMaker job yet: ");
        }
    }
}
