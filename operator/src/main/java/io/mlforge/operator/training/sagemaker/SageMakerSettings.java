package io.mlforge.operator.training.sagemaker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code mlforge.sagemaker.*}: how the operator reaches SageMaker. */
@ConfigMapping(prefix = "mlforge.sagemaker")
public interface SageMakerSettings {
    /** Region for resources that name none; unset: the SDK's default chain (AWS_REGION, profile, instance metadata). */
    Optional<String> defaultRegion();

    /** Send SageMaker calls here instead of AWS (the sandbox's emulator, a VPC endpoint). */
    Optional<String> endpointOverride();

    /** Role the operator assumes for every call of resources that name none. */
    Optional<String> defaultAssumeRoleArn();
}
