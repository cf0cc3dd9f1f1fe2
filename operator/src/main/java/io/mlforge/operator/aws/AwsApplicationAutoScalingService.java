package io.mlforge.operator.aws;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ObjectNotFoundException;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;

/** {@link ApplicationAutoScalingService} through the AWS SDK: a client per region and role, its own rate limit. */
public final class AwsApplicationAutoScalingService implements ApplicationAutoScalingService, AutoCloseable {
    private final Optional<URI> endpointOverride;
    private final java.util.function.Function<SageMakerTarget, AwsCredentialsProvider> credentials;
    private final AdaptiveRateLimiter limiter;
    private final Map<SageMakerTarget, ApplicationAutoScalingClient> clients = new ConcurrentHashMap<>();

    public AwsApplicationAutoScalingService(
            Optional<URI> endpointOverride,
            java.util.function.Function<SageMakerTarget, AwsCredentialsProvider> credentials,
            AdaptiveRateLimiter limiter) {
        this.endpointOverride = endpointOverride;
        this.credentials = credentials;
        this.limiter = limiter;
    }

    private ApplicationAutoScalingClient client(SageMakerTarget target) {
        return clients.computeIfAbsent(target, t -> {
            var builder = ApplicationAutoScalingClient.builder()
                    .region(Region.of(t.region()))
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .credentialsProvider(credentials.apply(t));
            endpointOverride.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    private <T> T call(SageMakerTarget target, Supplier<T> call) {
        return limiter.call(
                "ApplicationAutoScaling " + target.region()
                        + (target.assumeRoleArn() == null ? "" : " as " + target.assumeRoleArn()),
                null,
                call);
    }

    @Override
    public void registerScalableTarget(SageMakerTarget target, RegisterScalableTargetRequest request) {
        call(target, () -> client(target).registerScalableTarget(request));
    }

    @Override
    public void putScalingPolicy(SageMakerTarget target, PutScalingPolicyRequest request) {
        call(target, () -> client(target).putScalingPolicy(request));
    }

    @Override
    public void deregisterScalableTarget(SageMakerTarget target, String resourceId) {
        try {
            call(
                    target,
                    () -> client(target)
                            .deregisterScalableTarget(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                                    .resourceId(resourceId)
                                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)));
        } catch (ObjectNotFoundException e) {
            // none registered
        }
    }

    @Override
    public void close() {
        clients.values().forEach(ApplicationAutoScalingClient::close);
    }
}
