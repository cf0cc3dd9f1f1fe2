package io.mlforge.operator.training.sagemaker;

import io.mlforge.operator.core.aws.AdaptiveRateLimiter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;

/** The SDK-backed SageMaker service, with the configured endpoint override (if any). */
public class SageMakerServiceProducer {
    @Produces
    @Singleton
    SageMakerTrainingService sageMakerTrainingService(SageMakerSettings settings) {
        return AwsSageMakerTrainingService.withDefaultCredentials(settings.endpointOverride().map(URI::create),
                AdaptiveRateLimiter.of(settings.maxCallsPerSecond()));
    }
}
