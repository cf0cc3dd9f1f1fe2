package io.mlforge.operator.training;

import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.operator.core.ReconcilingBackend;

/**
 * The contract both TrainingJob backends (Kubernetes pods, SageMaker training jobs) implement: one reconcile step
 * that brings the job's attempts forward (the decisions they share are {@link AttemptLifecycle}'s), and the release of
 * what the job made when it is deleted.
 */
public interface TrainingBackend extends ReconcilingBackend<TrainingJob, TrainingJobStatus> {}
