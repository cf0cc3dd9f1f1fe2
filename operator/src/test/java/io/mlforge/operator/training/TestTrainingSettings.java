package io.mlforge.operator.training;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** TrainingSettings with the shipped defaults, for tests without Quarkus. */
public record TestTrainingSettings(String dataAgentImage, String gpuResourceName, String instanceTypeLabel,
        Map<String, String> instanceTypes, Map<String, String> spotNodeSelector, String defaultShmSize,
        long terminationGracePeriodSeconds, int checkpointSyncIntervalSeconds, Duration unschedulableAfter,
        Duration stuckContainerTimeout, Duration metricsPollInterval, int metricHistoryLimit, String clusterDomain,
        Optional<String> s3Endpoint, boolean s3PathStyle) implements TrainingSettings {

    public static TestTrainingSettings defaults() {
        return new TestTrainingSettings("registry.example/mlforge-operator:0.1.0", "nvidia.com/gpu", "node.kubernetes.io/instance-type",
                Map.of(), Map.of("karpenter.sh/capacity-type", "spot"), "8Gi", 1800, 60, Duration.ofMinutes(5),
                Duration.ofMinutes(5), Duration.ofSeconds(30), 100, "cluster.local", Optional.empty(), false);
    }

    public TestTrainingSettings withInstanceTypes(Map<String, String> map) {
        return new TestTrainingSettings(dataAgentImage, gpuResourceName, instanceTypeLabel, map, spotNodeSelector, defaultShmSize,
                terminationGracePeriodSeconds, checkpointSyncIntervalSeconds, unschedulableAfter, stuckContainerTimeout,
                metricsPollInterval, metricHistoryLimit, clusterDomain, s3Endpoint, s3PathStyle);
    }

    public TestTrainingSettings withS3Endpoint(String endpoint) {
        return new TestTrainingSettings(dataAgentImage, gpuResourceName, instanceTypeLabel, instanceTypes, spotNodeSelector, defaultShmSize,
                terminationGracePeriodSeconds, checkpointSyncIntervalSeconds, unschedulableAfter, stuckContainerTimeout,
                metricsPollInterval, metricHistoryLimit, clusterDomain, Optional.of(endpoint), true);
    }
}
