package io.mlforge.operator.aws;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateHyperParameterTuningJobRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DeploymentConfig;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeHyperParameterTuningJobResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.DesiredWeightAndCapacity;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterTrainingJobSummary;
import software.amazon.awssdk.services.sagemaker.model.ResourceInUseException;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobSummary;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * {@link SageMakerTrainingService} through the AWS SDK v2: one client per region and assumed role, credentials from
 * the default chain (IRSA, EKS Pod Identity, environment) or an assumed role on top of it. Every call passes the
 * client-side {@link AdaptiveRateLimiter} of its account and region, which slows down when SageMaker throttles.
 */
public final class AwsSageMakerService
        implements SageMakerTrainingService, SageMakerTuningService, SageMakerHostingService, AutoCloseable {
    private final Optional<URI> endpointOverride;
    private final Map<SageMakerTarget, SageMakerClient> clients = new ConcurrentHashMap<>();
    private final AwsCredentialsProvider baseCredentials;
    private final AdaptiveRateLimiter limiter;

    public AwsSageMakerService(
            Optional<URI> endpointOverride, AwsCredentialsProvider baseCredentials, AdaptiveRateLimiter limiter) {
        this.endpointOverride = endpointOverride;
        this.baseCredentials = baseCredentials;
        this.limiter = limiter;
    }

    public static AwsSageMakerService withDefaultCredentials(
            Optional<URI> endpointOverride, AdaptiveRateLimiter limiter) {
        return new AwsSageMakerService(
                endpointOverride, DefaultCredentialsProvider.builder().build(), limiter);
    }

    /** Rate-limit key: the account (through the assumed role, if any) and the region. */
    static String limitKey(SageMakerTarget target) {
        return "SageMaker " + target.region() + (target.assumeRoleArn() == null ? "" : " as " + target.assumeRoleArn());
    }

    /** Batch polls wait their turn this long rather than be refused: one of them covers every job of the account. */
    private static final java.time.Duration POLL_MAX_WAIT = java.time.Duration.ofSeconds(30);

    private <T> T call(SageMakerTarget target, Supplier<T> call) {
        return call(target, null, call);
    }

    private <T> T call(SageMakerTarget target, java.time.Duration maxWait, Supplier<T> call) {
        return limiter.call(limitKey(target), maxWait, call);
    }

    /** A call for one job: refused by the limiter, it keeps its turn (the claimant is the operation and the job). */
    private <T> T callFor(SageMakerTarget target, String claimant, Supplier<T> call) {
        return limiter.call(limitKey(target), null, claimant, call);
    }

    SageMakerClient client(SageMakerTarget target) {
        return clients.computeIfAbsent(target, t -> {
            var builder = SageMakerClient.builder()
                    .region(Region.of(t.region()))
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .credentialsProvider(credentials(t));
            endpointOverride.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    /** Credentials for a target: the default chain, or a role assumed on top of it (also used by autoscaling). */
    AwsCredentialsProvider credentials(SageMakerTarget target) {
        if (target.assumeRoleArn() == null) {
            return baseCredentials;
        }
        StsClient sts = StsClient.builder()
                .region(Region.of(target.region()))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(baseCredentials)
                .build();
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(r -> r.roleArn(target.assumeRoleArn())
                        .roleSessionName("mlforge-operator-"
                                + UUID.randomUUID().toString().substring(0, 8)))
                .build();
    }

    @Override
    public Optional<String> create(SageMakerTarget target, CreateTrainingJobRequest request) {
        try {
            return Optional.of(callFor(
                            target,
                            "CreateTrainingJob " + request.trainingJobName(),
                            () -> client(target).createTrainingJob(request))
                    .trainingJobArn());
        } catch (ResourceInUseException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<DescribeTrainingJobResponse> describe(SageMakerTarget target, String name) {
        try {
            return Optional.of(callFor(
                    target,
                    "DescribeTrainingJob " + name,
                    () -> client(target).describeTrainingJob(r -> r.trainingJobName(name))));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public void stop(SageMakerTarget target, String name) {
        try {
            callFor(
                    target,
                    "StopTrainingJob " + name,
                    () -> client(target).stopTrainingJob(r -> r.trainingJobName(name)));
        } catch (ResourceNotFoundException e) {
            // never created (the operator stopped between recording and creating it): nothing to stop
        } catch (SageMakerException e) {
            boolean alreadyEnded = e.statusCode() == 400
                    && e.awsErrorDetails() != null
                    && e.awsErrorDetails().errorMessage() != null
                    && e.awsErrorDetails().errorMessage().contains("the training job is in status");
            if (!alreadyEnded) {
                throw e;
            }
        }
    }

    @Override
    public List<TrainingJobSummary> modifiedSince(SageMakerTarget target, Instant since) {
        List<TrainingJobSummary> result = new java.util.ArrayList<>();
        String token = null;
        do {
            String page = token;
            var response = call(
                    target,
                    POLL_MAX_WAIT,
                    () -> client(target)
                            .listTrainingJobs(r -> r.lastModifiedTimeAfter(since)
                                    .maxResults(100)
                                    .nextToken(page)));
            result.addAll(response.trainingJobSummaries());
            token = response.nextToken();
        } while (token != null);
        return result;
    }

    @Override
    public Optional<String> createTuning(SageMakerTarget target, CreateHyperParameterTuningJobRequest request) {
        try {
            return Optional.of(call(target, () -> client(target).createHyperParameterTuningJob(request))
                    .hyperParameterTuningJobArn());
        } catch (ResourceInUseException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<DescribeHyperParameterTuningJobResponse> describeTuning(SageMakerTarget target, String name) {
        try {
            return Optional.of(call(
                    target,
                    () -> client(target).describeHyperParameterTuningJob(r -> r.hyperParameterTuningJobName(name))));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<HyperParameterTrainingJobSummary> trials(SageMakerTarget target, String name, int limit) {
        return call(
                        target,
                        () -> client(target)
                                .listTrainingJobsForHyperParameterTuningJob(r -> r.hyperParameterTuningJobName(name)
                                        .sortBy("CreationTime")
                                        .sortOrder("Descending")
                                        .maxResults(Math.min(100, limit))))
                .trainingJobSummaries();
    }

    @Override
    public void stopTuning(SageMakerTarget target, String name) {
        try {
            call(target, () -> client(target).stopHyperParameterTuningJob(r -> r.hyperParameterTuningJobName(name)));
        } catch (ResourceNotFoundException e) {
            // never created: nothing to stop
        } catch (SageMakerException e) {
            if (e.statusCode() != 400
                    || e.awsErrorDetails() == null
                    || !"ValidationException".equals(e.awsErrorDetails().errorCode())) {
                throw e;
            }
        }
    }

    /** SageMaker answers an existing or missing hosting object with a ValidationException ("already existing", "Could not find"). */
    private static boolean validationSaying(SageMakerException e, String text) {
        return e.statusCode() == 400
                && e.awsErrorDetails() != null
                && e.awsErrorDetails().errorMessage() != null
                && e.awsErrorDetails().errorMessage().contains(text);
    }

    /** Creates a hosting object; false when SageMaker has one of that name ("Cannot create already existing …"). */
    private boolean createUnlessExisting(SageMakerTarget target, Supplier<?> create) {
        try {
            call(target, create);
            return true;
        } catch (SageMakerException e) {
            if (validationSaying(e, "already exist")) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes a hosting object; nothing when SageMaker does not know it ("Could not find …"). */
    private void deleteUnlessMissing(SageMakerTarget target, Supplier<?> delete) {
        try {
            call(target, delete);
        } catch (SageMakerException e) {
            if (!validationSaying(e, "Could not find")) {
                throw e;
            }
        }
    }

    @Override
    public boolean createModel(SageMakerTarget target, CreateModelRequest request) {
        return createUnlessExisting(target, () -> client(target).createModel(request));
    }

    @Override
    public boolean createEndpointConfig(SageMakerTarget target, CreateEndpointConfigRequest request) {
        return createUnlessExisting(target, () -> client(target).createEndpointConfig(request));
    }

    @Override
    public Optional<DescribeEndpointResponse> describeEndpoint(SageMakerTarget target, String name) {
        try {
            return Optional.of(call(target, () -> client(target).describeEndpoint(r -> r.endpointName(name))));
        } catch (SageMakerException e) {
            if (validationSaying(e, "Could not find")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<DescribeEndpointConfigResponse> describeEndpointConfig(SageMakerTarget target, String name) {
        try {
            return Optional.of(
                    call(target, () -> client(target).describeEndpointConfig(r -> r.endpointConfigName(name))));
        } catch (SageMakerException e) {
            if (validationSaying(e, "Could not find")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void updateEndpointWeightsAndCapacities(
            SageMakerTarget target, String name, List<DesiredWeightAndCapacity> desired) {
        call(
                target,
                () -> client(target)
                        .updateEndpointWeightsAndCapacities(
                                r -> r.endpointName(name).desiredWeightsAndCapacities(desired)));
    }

    @Override
    public String createEndpoint(SageMakerTarget target, String name, String configName, List<Tag> tags) {
        return call(
                        target,
                        () -> client(target)
                                .createEndpoint(r -> r.endpointName(name)
                                        .endpointConfigName(configName)
                                        .tags(tags)))
                .endpointArn();
    }

    @Override
    public void updateEndpoint(SageMakerTarget target, String name, String configName, DeploymentConfig deployment) {
        call(
                target,
                () -> client(target)
                        .updateEndpoint(r -> r.endpointName(name)
                                .endpointConfigName(configName)
                                .deploymentConfig(deployment)));
    }

    @Override
    public void deleteEndpoint(SageMakerTarget target, String name) {
        deleteUnlessMissing(target, () -> client(target).deleteEndpoint(r -> r.endpointName(name)));
    }

    @Override
    public void deleteEndpointConfig(SageMakerTarget target, String name) {
        deleteUnlessMissing(target, () -> client(target).deleteEndpointConfig(r -> r.endpointConfigName(name)));
    }

    @Override
    public void deleteModel(SageMakerTarget target, String name) {
        deleteUnlessMissing(target, () -> client(target).deleteModel(r -> r.modelName(name)));
    }

    @Override
    public void close() {
        clients.values().forEach(SageMakerClient::close);
    }
}
