package io.mlforge.cli;

import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingJob;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * A SageMaker training job's logs through CloudWatch Logs: FilterLogEvents on the log group
 * {@value #GROUP} with the job's stream prefix (all instances, in time order), paged; with follow, asked again every
 * poll interval from the last timestamp, skipping events already printed, until the attempt ends.
 */
final class CloudWatchTrainingLogs implements AutoCloseable {
    static final String GROUP = "/aws/sagemaker/TrainingJobs";

    private final CloudWatchLogsClient logs;
    private final AwsAccess aws;

    private CloudWatchTrainingLogs(CloudWatchLogsClient logs, AwsAccess aws) {
        this.logs = logs;
        this.aws = aws;
    }

    static CloudWatchTrainingLogs open(TrainingJob job, String regionOverride, URI endpoint) {
        AwsAccess aws = AwsAccess.of(
                job.getSpec().sagemaker == null ? null : job.getSpec().sagemaker.assumeRoleArn,
                regionOverride,
                job.getStatus().sagemaker == null ? null : job.getStatus().sagemaker.region,
                job.getSpec().sagemaker == null ? null : job.getSpec().sagemaker.region);
        var builder = CloudWatchLogsClient.builder()
                .region(aws.region)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(aws.credentials);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return new CloudWatchTrainingLogs(builder.build(), aws);
    }

    /** Prints the attempt's lines as {@code [algo-N] message}; returns the exit code. */
    int print(
            TrainingAttempt attempt,
            Instant from,
            BooleanSupplier endedOrNullToStop,
            Duration pollInterval,
            PrintStream out,
            PrintStream err) {
        String prefix = attempt.backendName + "/";
        Long start = from == null ? null : from.toEpochMilli();
        Set<String> printedAtLast = new HashSet<>();
        boolean any = false;
        try {
            while (true) {
                boolean endedBefore = endedOrNullToStop == null || endedOrNullToStop.getAsBoolean();
                String token = null;
                do {
                    String page = token;
                    Long startTime = start;
                    FilterLogEventsResponse response = logs.filterLogEvents(r -> r.logGroupName(GROUP)
                            .logStreamNamePrefix(prefix)
                            .startTime(startTime)
                            .nextToken(page));
                    for (FilteredLogEvent e : response.events()) {
                        if (start != null
                                && e.timestamp() == start.longValue()
                                && printedAtLast.contains(e.eventId())) {
                            continue; // printed by the previous poll (same millisecond)
                        }
                        if (start == null || e.timestamp() > start) {
                            start = e.timestamp();
                            printedAtLast.clear();
                        }
                        printedAtLast.add(e.eventId());
                        out.println("[" + instance(e.logStreamName(), prefix) + "] " + e.message());
                        any = true;
                    }
                    token = response.nextToken();
                } while (token != null);
                out.flush();
                if (endedBefore) {
                    break; // read once more after the attempt ended: nothing can follow
                }
                Thread.sleep(pollInterval.toMillis());
            }
        } catch (ResourceNotFoundException e) {
            err.println("no logs yet: CloudWatch has no log group " + GROUP
                    + " in this region (SageMaker creates it with a job's first line)");
            return 0;
        } catch (SdkException e) {
            throw new MlforgeCli.CliException("CloudWatch Logs: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!any) {
            err.println("no log lines for " + attempt.backendName
                    + " yet (SageMaker writes them once the instances start training)");
        }
        return 0;
    }

    /** {@code <job>/algo-1-1700000000} → {@code algo-1}. */
    static String instance(String stream, String prefix) {
        String rest = stream.startsWith(prefix) ? stream.substring(prefix.length()) : stream;
        int dash = rest.lastIndexOf('-');
        return dash > 0 && rest.substring(dash + 1).chars().allMatch(Character::isDigit)
                ? rest.substring(0, dash)
                : rest;
    }

    @Override
    public void close() {
        logs.close();
        aws.close();
    }
}
