package io.mlforge.operator.aws;

import java.util.List;

/**
 * The CloudWatch Logs of SageMaker training jobs (log group {@value #GROUP}, one stream per instance named
 * {@code <job>/algo-<n>-<epoch>}), where a job's trainer output, and so its metrics, appear while it runs.
 */
public interface TrainingLogService {
    String GROUP = "/aws/sagemaker/TrainingJobs";

    /** One log line: its stream, time (epoch milliseconds), text and CloudWatch's event id. */
    record LogEvent(String stream, long timestamp, String message, String eventId) {}

    /**
     * The events of the job's first instance ({@code algo-1}, where SageMaker reads metrics from) at or after
     * {@code sinceMillis}, oldest first, every page; empty while the job has no log stream yet.
     */
    List<LogEvent> firstInstanceEvents(SageMakerTarget target, String trainingJobName, long sinceMillis);
}
