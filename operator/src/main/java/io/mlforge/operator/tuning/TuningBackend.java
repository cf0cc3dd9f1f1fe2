package io.mlforge.operator.tuning;

import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import io.mlforge.operator.core.ReconcilingBackend;

/**
 * The contract both TuningJob backends implement: the operator's own search over child TrainingJobs
 * ({@code tuning.kubernetes}) and a SageMaker hyperparameter tuning job ({@code tuning.sagemaker}).
 */
public interface TuningBackend extends ReconcilingBackend<TuningJob, TuningJobStatus> {}
