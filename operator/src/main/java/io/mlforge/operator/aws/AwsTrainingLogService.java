package io.mlforge.operator.aws;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * {@link TrainingLogService} through the AWS SDK: FilterLogEvents on the job's {@code algo-1} streams (a prefix, so
 * no DescribeLogStreams first), a client per region and role, and a rate limit of its own (CloudWatch Logs is not
 * SageMaker's quota).
 */
public final class AwsTrainingLogService implements TrainingLogService, AutoCloseable {
    private final Optional<URI> endpointOverride;
    private final Function<SageMakerTarget, AwsCredentialsProvider> credentials;
    private final AdaptiveRateLimiter limiter;
    private final Map<SageMakerTarget, CloudWatchLogsClient> clients = new ConcurrentHashMap<>();

    public AwsTrainingLogService(
            Optional<URI> endpointOverride,
            Function<SageMakerTarget, AwsCredentialsProvider> credentials,
            AdaptiveRateLimiter limiter) {
        this.endpointOverride = endpointOverride;
        this.credentials = credentials;
        this.limiter = limiter;
    }

    private CloudWatchLogsClient client(SageMakerTarget target) {
        return clients.computeIfAbsent(target, t -> {
            var builder = CloudWatchLogsClient.builder()
                    .region(Region.of(t.region()))
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .credentialsProvider(credentials.apply(t));
            endpointOverride.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    @Override
    public List<LogEvent> firstInstanceEvents(SageMakerTarget target, String trainingJobName, long sinceMillis) {
        List<LogEvent> events = new ArrayList<>();
        String token = null;
        String key = "CloudWatchLogs " + target.region()
                + (target.assumeRoleArn() == null ? "" : " as " + target.assumeRoleArn());
        try {
            do {
                String next = token;
                FilterLogEventsResponse page = limiter.call(
                        key,
                        null,
                        () -> client(target)
                                .filterLogEvents(r -> r.logGroupName(GROUP)
                                        .logStreamNamePrefix(trainingJobName + "/algo-1-")
                                        .startTime(sinceMillis)
                                        .nextToken(next)));
                for (FilteredLogEvent e : page.events()) {
                    events.add(new LogEvent(e.logStreamName(), e.timestamp(), e.message(), e.eventId()));
                }
                token = page.nextToken();
            } while (token != null);
        } catch (ResourceNotFoundException e) {
            return List.of(); // no log group yet: nothing has been logged in this account and region
        }
        events.sort(java.util.Comparator.comparingLong(LogEvent::timestamp));
        return events;
    }

    @Override
    public void close() {
        clients.values().forEach(CloudWatchLogsClient::close);
    }
}
