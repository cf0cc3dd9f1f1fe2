package io.mlforge.operator.aws;

import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import java.net.URI;

/** The SDK-backed SageMaker service (training and tuning share its clients and rate limit), with the configured endpoint override. */
public class SageMakerServiceProducer {
    @Produces
    @Singleton
    @Typed(AwsSageMakerService.class)
    AwsSageMakerService awsSageMakerService(SageMakerSettings settings) {
        return AwsSageMakerService.withDefaultCredentials(
                settings.endpointOverride().map(URI::create), AdaptiveRateLimiter.of(settings.maxCallsPerSecond()));
    }

    @Produces
    @Singleton
    SageMakerTrainingService sageMakerTrainingService(AwsSageMakerService service) {
        return service;
    }

    @Produces
    @Singleton
    SageMakerTuningService sageMakerTuningService(AwsSageMakerService service) {
        return service;
    }

    @Produces
    @Singleton
    SageMakerHostingService sageMakerHostingService(AwsSageMakerService service) {
        return service;
    }

    @Produces
    @Singleton
    TrainingLogService trainingLogService(AwsSageMakerService service, SageMakerSettings settings) {
        return new AwsTrainingLogService(
                settings.endpointOverride().map(URI::create),
                service::credentials,
                AdaptiveRateLimiter.of(settings.maxCallsPerSecond()));
    }

    @Produces
    @Singleton
    ApplicationAutoScalingService applicationAutoScalingService(
            AwsSageMakerService service, SageMakerSettings settings) {
        return new AwsApplicationAutoScalingService(
                settings.endpointOverride().map(URI::create),
                service::credentials,
                AdaptiveRateLimiter.of(settings.maxCallsPerSecond()));
    }
}
