package io.mlforge.operator.training.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.api.v1alpha1.TrainingPhase;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.SecondaryStatusTransition;

class SageMakerJobStateTest {
    private static DescribeTrainingJobResponse job(String status, String secondary, String failureReason) {
        return DescribeTrainingJobResponse.builder()
                .trainingJobStatus(status)
                .secondaryStatus(secondary)
                .failureReason(failureReason)
                .secondaryStatusTransitions(SecondaryStatusTransition.builder()
                        .status(secondary)
                        .statusMessage("msg " + secondary)
                        .build())
                .build();
    }

    @Test
    void inProgressFollowsTheSecondaryStatus() {
        assertThat(SageMakerJobState.of(job("InProgress", "Starting", null)).phase())
                .isEqualTo(TrainingPhase.Pending);
        assertThat(SageMakerJobState.of(job("InProgress", "Downloading", null)).phase())
                .isEqualTo(TrainingPhase.Starting);
        assertThat(SageMakerJobState.of(job("InProgress", "Training", null)))
                .isEqualTo(new SageMakerJobState(TrainingPhase.Running, "Training", "msg Training", false));
        assertThat(SageMakerJobState.of(job("InProgress", "Uploading", null)).phase())
                .isEqualTo(TrainingPhase.Running);
        SageMakerJobState interrupted = SageMakerJobState.of(job("InProgress", "Interrupted", null));
        assertThat(interrupted.reason()).isEqualTo("SpotInterrupted");
        assertThat(interrupted.ended()).isFalse();
    }

    @Test
    void failuresAreClassifiedByTheirCategory() {
        SageMakerJobState capacity = SageMakerJobState.of(
                job("Failed", "Failed", "CapacityError: Unable to provision requested ML compute capacity."));
        assertThat(capacity.reason()).isEqualTo("CapacityError");
        assertThat(capacity.retryable()).isTrue();
        SageMakerJobState algorithm =
                SageMakerJobState.of(job("Failed", "Failed", "AlgorithmError: exited with code 1"));
        assertThat(algorithm.reason()).isEqualTo("AlgorithmError");
        assertThat(algorithm.retryable()).isFalse();
        assertThat(algorithm.message()).isEqualTo("AlgorithmError: exited with code 1");
        SageMakerJobState unknown = SageMakerJobState.of(job("Failed", "Failed", null));
        assertThat(unknown.reason()).isEqualTo("Error");
        assertThat(SageMakerJobState.of(job("Failed", "Failed", "something: broke"))
                        .reason())
                .isEqualTo("something");
        assertThat(SageMakerJobState.of(job("Failed", "Failed", "no category here"))
                        .reason())
                .isEqualTo("Error");
    }

    @Test
    void stoppedJobsSayWhySageMakerStoppedThem() {
        assertThat(SageMakerJobState.of(job("Stopped", "MaxRuntimeExceeded", null)))
                .extracting(SageMakerJobState::phase, SageMakerJobState::reason, SageMakerJobState::retryable)
                .containsExactly(TrainingPhase.Failed, "MaxRuntimeExceeded", false);
        assertThat(SageMakerJobState.of(job("Stopped", "MaxWaitTimeExceeded", null)))
                .extracting(SageMakerJobState::phase, SageMakerJobState::reason, SageMakerJobState::retryable)
                .containsExactly(TrainingPhase.Failed, "SpotInterrupted", true);
        assertThat(SageMakerJobState.of(job("Stopped", "Stopped", null)).phase())
                .isEqualTo(TrainingPhase.Stopped);
        assertThat(SageMakerJobState.of(job("Stopping", "Stopping", null)).ended())
                .isFalse();
        assertThat(SageMakerJobState.of(job("Completed", "Completed", null)).phase())
                .isEqualTo(TrainingPhase.Completed);
    }
}
