package io.mlforge.operator.aws;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobSummary;

/**
 * The SageMaker training API as the operator uses it. One implementation talks to AWS (or an endpoint override
 * such as the sandbox's emulator) through the SDK; tests without HTTP use an in-memory one.
 */
public interface SageMakerTrainingService {
    /**
     * Creates a training job and returns its ARN. Returns empty when a job of that name exists already: names are
     * deterministic, so that is this operator's own job from before a restart, to be adopted, never created twice.
     */
    Optional<String> create(SageMakerTarget target, CreateTrainingJobRequest request);

    /** The job's description, or empty if SageMaker does not know it. */
    Optional<DescribeTrainingJobResponse> describe(SageMakerTarget target, String name);

    /** Asks SageMaker to stop a job (a job that already ended is left as it is). */
    void stop(SageMakerTarget target, String name);

    /** Jobs modified after {@code since}, all pages: one call per 100 jobs however many are watched. */
    List<TrainingJobSummary> modifiedSince(SageMakerTarget target, Instant since);
}
