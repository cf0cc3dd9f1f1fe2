package io.mlforge.operator.aws;

import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;

/** Application Auto Scaling as the operator uses it for SageMaker endpoint variants (both calls are upserts). */
public interface ApplicationAutoScalingService {
    void registerScalableTarget(SageMakerTarget target, RegisterScalableTargetRequest request);

    void putScalingPolicy(SageMakerTarget target, PutScalingPolicyRequest request);

    /** Removes a variant's scalable target (and with it its policies); nothing when there is none. */
    void deregisterScalableTarget(SageMakerTarget target, String resourceId);
}
