package io.mlforge.operator.training.sagemaker;

import io.mlforge.api.v1alpha1.TrainingPhase;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.SecondaryStatus;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobStatus;

/**
 * What a SageMaker training job's description means for its attempt: the phase, and for an ended job why it ended
 * and whether another attempt may help. Pure: description in, state out.
 *
 * @param phase      the attempt's phase
 * @param reason     CamelCase reason (Completed, CapacityError, SpotInterrupted, MaxRuntimeExceeded, AlgorithmError, ...)
 * @param message    for people: SageMaker's secondary status message or failure reason
 * @param retryable  whether a new attempt may succeed where this one did not (capacity, spot interruption, internal errors)
 */
public record SageMakerJobState(TrainingPhase phase, String reason, String message, boolean retryable) {

    public boolean ended() {
        return phase == TrainingPhase.Completed || phase == TrainingPhase.Failed || phase == TrainingPhase.Stopped;
    }

    public static SageMakerJobState of(DescribeTrainingJobResponse d) {
        TrainingJobStatus status =
                d.trainingJobStatus() == null ? TrainingJobStatus.UNKNOWN_TO_SDK_VERSION : d.trainingJobStatus();
        SecondaryStatus secondaryStatus =
                d.secondaryStatus() == null ? SecondaryStatus.UNKNOWN_TO_SDK_VERSION : d.secondaryStatus();
        String secondary = d.secondaryStatusAsString();
        String detail = lastMessage(d);
        return switch (status) {
            case COMPLETED -> new SageMakerJobState(TrainingPhase.Completed, "Completed", "training finished", false);
            case FAILED -> failed(d.failureReason());
            case STOPPING ->
                new SageMakerJobState(TrainingPhase.Stopping, "Stopping", detail == null ? "stopping" : detail, false);
            case STOPPED ->
                switch (secondaryStatus) {
                    case MAX_RUNTIME_EXCEEDED ->
                        new SageMakerJobState(
                                TrainingPhase.Failed,
                                "MaxRuntimeExceeded",
                                "the job ran longer than stopping.maxRuntimeSeconds and SageMaker stopped it",
                                false);
                    case MAX_WAIT_TIME_EXCEEDED ->
                        new SageMakerJobState(
                                TrainingPhase.Failed,
                                "SpotInterrupted",
                                "spot capacity was reclaimed and not returned within spot.maxWaitSeconds"
                                        + (detail == null ? "" : " (" + detail + ")"),
                                true);
                    default ->
                        new SageMakerJobState(TrainingPhase.Stopped, "Stopped", "the SageMaker job was stopped", false);
                };
            case IN_PROGRESS ->
                switch (secondaryStatus) {
                    case TRAINING, UPLOADING, RESTARTING ->
                        new SageMakerJobState(
                                TrainingPhase.Running, "Training", detail == null ? secondary : detail, false);
                    case INTERRUPTED ->
                        new SageMakerJobState(
                                TrainingPhase.Starting,
                                "SpotInterrupted",
                                "spot capacity was reclaimed; SageMaker waits for capacity and resumes from the last checkpoint",
                                false);
                    case STARTING ->
                        new SageMakerJobState(
                                TrainingPhase.Pending,
                                "LaunchingInstances",
                                detail == null ? "launching ML instances" : detail,
                                false);
                    default ->
                        new SageMakerJobState(
                                TrainingPhase.Starting,
                                secondary == null || secondary.isEmpty() ? "Starting" : secondary,
                                detail == null ? "starting" : detail,
                                false);
                };
            default ->
                new SageMakerJobState(
                        TrainingPhase.Pending,
                        "Unknown",
                        "SageMaker reports status " + d.trainingJobStatusAsString(),
                        false);
        };
    }

    /** SageMaker's FailureReason starts with its category: "CapacityError: ...", "AlgorithmError: ...", "ClientError: ...". */
    static SageMakerJobState failed(String failureReason) {
        String text = failureReason == null ? "the SageMaker job failed without a reason" : failureReason;
        int colon = text.indexOf(':');
        String category =
                colon > 0 && text.substring(0, colon).matches("[A-Za-z]+") ? text.substring(0, colon) : "Error";
        boolean retryable = switch (category) {
            case "CapacityError", "InternalServerError", "InternalError" -> true;
            default -> false;
        };
        return new SageMakerJobState(TrainingPhase.Failed, category, text, retryable);
    }

    private static String lastMessage(DescribeTrainingJobResponse d) {
        if (!d.hasSecondaryStatusTransitions() || d.secondaryStatusTransitions().isEmpty()) {
            return null;
        }
        return d.secondaryStatusTransitions()
                .get(d.secondaryStatusTransitions().size() - 1)
                .statusMessage();
    }
}
