package io.mlforge.operator.aws;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** {@code mlforge.sagemaker.*}: how the operator reaches and watches SageMaker. */
@ConfigMapping(prefix = "mlforge.sagemaker")
public interface SageMakerSettings {
    /** Region for resources that name none. */
    @WithDefault("us-east-1")
    String defaultRegion();

    /** Send SageMaker calls here instead of AWS (the sandbox's emulator, a VPC endpoint). */
    Optional<String> endpointOverride();

    /** Shortest interval between two batch polls of one account and region (while jobs change). */
    @WithDefault("10s")
    Duration minPollInterval();

    /** Longest interval between two batch polls (while nothing changes); bounds the status lag. */
    @WithDefault("30s")
    Duration maxPollInterval();

    /**
     * Client-side limit of SageMaker calls per second per account and region (all resources together). It halves
     * on every ThrottlingException and grows back while calls succeed.
     */
    @WithDefault("20")
    double maxCallsPerSecond();

    /**
     * How often a running SageMaker TrainingJob's intermediate metrics (status.metricHistory) are read from its
     * CloudWatch Logs: one FilterLogEvents call per job each time, 6 per running job-hour at the default.
     */
    @WithDefault("10m")
    Duration metricsInterval();

    /**
     * The same for trials of a search with earlyStopping Auto, whose median rule compares the curves as they grow:
     * 60 calls per running trial-hour at the default.
     */
    @WithDefault("60s")
    Duration earlyStoppingMetricsInterval();

    /** Deletion policy of resources that name none: Stop or Retain. */
    @WithDefault("Stop")
    String defaultDeletionPolicy();
}
