package io.mlforge.operator.core;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Operator SDK's own metrics (reconciliations, errors, queue) per controller only. The extension's default
 * tags every series with the resource's name and namespace, which makes one series per job: unbounded
 * cardinality at thousands of TrainingJobs.
 */
public class OperatorMetricsProducer {
    @Produces
    @Singleton
    Metrics operatorMetrics(MeterRegistry registry) {
        return MicrometerMetrics.withoutPerResourceMetrics(registry);
    }
}
