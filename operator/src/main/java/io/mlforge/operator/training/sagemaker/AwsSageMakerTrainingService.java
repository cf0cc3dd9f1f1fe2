package io.mlforge.operator.training.sagemaker;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.ResourceInUseException;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobSummary;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * {@link SageMakerTrainingService} through the AWS SDK v2: one client per region and assumed role, credentials from
 * the default chain (IRSA, EKS Pod Identity, environment) or an assumed role on top of it.
 */
public final class AwsSageMakerTrainingService implements SageMakerTrainingService, AutoCloseable {
    private final Optional<URI> endpointOverride;
    private final Map<SageMakerTarget, SageMakerClient> clients = new ConcurrentHashMap<>();
    private final AwsCredentialsProvider baseCredentials;

    public AwsSageMakerTrainingService(Optional<URI> endpointOverride, AwsCredentialsProvider baseCredentials) {
        this.endpointOverride = endpointOverride;
        this.baseCredentials = baseCredentials;
    }

    public static AwsSageMakerTrainingService withDefaultCredentials(Optional<URI> endpointOverride) {
        return new AwsSageMakerTrainingService(endpointOverride, DefaultCredentialsProvider.builder().build());
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

    private AwsCredentialsProvider credentials(SageMakerTarget target) {
        if (target.assumeRoleArn() == null) {
            return baseCredentials;
        }
        StsClient sts = StsClient.builder().region(Region.of(target.region())).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(baseCredentials).build();
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(r -> r.roleArn(target.assumeRoleArn()).roleSessionName("mlforge-operator-" + UUID.randomUUID().toString().substring(0, 8)))
                .build();
    }

    @Override
    public boolean create(SageMakerTarget target, CreateTrainingJobRequest request) {
        try {
            client(target).createTrainingJob(request);
            return true;
        } catch (ResourceInUseException e) {
            return false;
        }
    }

    @Override
    public Optional<DescribeTrainingJobResponse> describe(SageMakerTarget target, String name) {
        try {
            return Optional.of(client(target).describeTrainingJob(r -> r.trainingJobName(name)));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public void stop(SageMakerTarget target, String name) {
        try {
            client(target).stopTrainingJob(r -> r.trainingJobName(name));
        } catch (SageMakerException e) {
            boolean alreadyEnded = e.statusCode() == 400 && e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                    && e.awsErrorDetails().errorMessage().contains("the training job is in status");
            if (!alreadyEnded) {
                throw e;
            }
        }
    }

    @Override
    public List<TrainingJobSummary> modifiedSince(SageMakerTarget target, Instant since) {
        return client(target).listTrainingJobsPaginator(r -> r.lastModifiedTimeAfter(since).maxResults(100)).trainingJobSummaries()
                .stream().toList();
    }

    @Override
    public void close() {
        clients.values().forEach(SageMakerClient::close);
    }
}
