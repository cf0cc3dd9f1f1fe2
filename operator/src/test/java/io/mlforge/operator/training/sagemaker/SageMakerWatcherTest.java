package io.mlforge.operator.training.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.mlforge.operator.aws.RateLimitedException;
import io.mlforge.operator.aws.SageMakerSettings;
import io.mlforge.operator.aws.SageMakerTarget;
import io.mlforge.operator.aws.SageMakerTrainingService;
import io.mlforge.sagemaker.emulator.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeTrainingJobResponse;
import software.amazon.awssdk.services.sagemaker.model.TrainingJobSummary;

class SageMakerWatcherTest {
    static final SageMakerTarget US_EAST_1 = new SageMakerTarget("us-east-1", null);
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T08:00:00Z"));
    final List<Instant> listedSince = new ArrayList<>();
    int failuresLeft;

    final SageMakerTrainingService service = new SageMakerTrainingService() {
        @Override
        public Optional<String> create(SageMakerTarget target, CreateTrainingJobRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<DescribeTrainingJobResponse> describe(SageMakerTarget target, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop(SageMakerTarget target, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<TrainingJobSummary> modifiedSince(SageMakerTarget target, Instant since) {
            listedSince.add(since);
            if (failuresLeft > 0) {
                failuresLeft--;
                throw new RateLimitedException("SageMaker us-east-1", Duration.ofSeconds(3), 1);
            }
            return List.of();
        }
    };

    SageMakerWatcher watcher() {
        SageMakerWatcher watcher = new SageMakerWatcher();
        watcher.service = service;
        watcher.clock = clock;
        watcher.settings = new SageMakerSettings() {
            public String defaultRegion() {
                return "us-east-1";
            }

            public Optional<String> endpointOverride() {
                return Optional.empty();
            }

            public Duration minPollInterval() {
                return Duration.ofSeconds(10);
            }

            public Duration maxPollInterval() {
                return Duration.ofSeconds(45);
            }

            public double maxCallsPerSecond() {
                return 20;
            }

            public String defaultDeletionPolicy() {
                return "Stop";
            }

            public Duration metricsInterval() {
                return Duration.ofMinutes(10);
            }

            public Duration earlyStoppingMetricsInterval() {
                return Duration.ofSeconds(60);
            }
        };
        return watcher;
    }

    @Test
    void aFailedPollIsRetriedFromTheLastSuccessfulOneSoNoChangeIsMissed() {
        SageMakerWatcher watcher = watcher();
        watcher.track(US_EAST_1, "job-1", new ResourceID("job", "ml"));
        Instant tracked = clock.instant();
        clock.advance(Duration.ofSeconds(10));
        watcher.pollDue();
        assertThat(listedSince).containsExactly(tracked.minusSeconds(10)); // tracked − skew (5 s), minus skew again
        Instant lastSuccess = clock.instant();

        failuresLeft = 3;
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofSeconds(10));
            watcher.pollDue();
        }
        assertThat(listedSince)
                .hasSize(1 + 4)
                .as("three refused polls, then one that went through")
                .endsWith(
                        lastSuccess.minusSeconds(5),
                        lastSuccess.minusSeconds(5),
                        lastSuccess.minusSeconds(5),
                        lastSuccess.minusSeconds(5));
    }
}
