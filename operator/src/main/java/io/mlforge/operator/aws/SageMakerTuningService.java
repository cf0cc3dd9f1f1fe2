package io.mlforge.operator.aws;

import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.sagemaker.model.CreateHyperParameterTuningJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeHyperParameterTuningJobResponse;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterTrainingJobSummary;

/** The SageMaker hyperparameter tuning API as the operator uses it (same client, credentials and rate limit as training). */
public interface SageMakerTuningService {
    /** Creates the tuning job and returns its ARN; empty when one of that (deterministic) name exists: adopt it. */
    Optional<String> createTuning(SageMakerTarget target, CreateHyperParameterTuningJobRequest request);

    /** The tuning job's description, or empty if SageMaker does not know it. */
    Optional<DescribeHyperParameterTuningJobResponse> describeTuning(SageMakerTarget target, String name);

    /** The most recent trials (training jobs) of the tuning job, newest first, at most {@code limit}. */
    List<HyperParameterTrainingJobSummary> trials(SageMakerTarget target, String name, int limit);

    /** Asks SageMaker to stop the tuning job and its running trials (a job that already ended is left as it is). */
    void stopTuning(SageMakerTarget target, String name);
}
