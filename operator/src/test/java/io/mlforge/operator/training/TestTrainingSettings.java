package io.mlforge.operator.training;

import io.mlforge.operator.core.ClusterSettings;
import io.mlforge.operator.dataagent.DataAgentSettings;
import io.mlforge.operator.training.kubernetes.PodGroupPlanner;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** TrainingSettings with the shipped defaults, for tests without Quarkus. */
public record TestTrainingSettings(
        String instanceTypeLabel,
        Map<String, String> instanceTypes,
        Map<String, String> spotNodeSelector,
        String defaultShmSize,
        long terminationGracePeriodSeconds,
        int checkpointSyncIntervalSeconds,
        Duration unschedulableAfter,
        Duration stuckContainerTimeout,
        Duration metricsPollInterval,
        int metricHistoryLimit,
        String clusterDomain)
        implements TrainingSettings {

    /** The data agent's settings as the Helm chart sets them (no S3-compatible store). */
    public record DataAgent(String image, Optional<String> s3Endpoint, boolean s3PathStyle)
            implements DataAgentSettings {
        public static final DataAgent DEFAULT =
                new DataAgent("registry.example/mlforge-operator:0.1.0", Optional.empty(), false);
    }

    public static final ClusterSettings CLUSTER = () -> "nvidia.com/gpu";

    public static TestTrainingSettings defaults() {
        return new TestTrainingSettings(
                "node.kubernetes.io/instance-type",
                Map.of(),
                Map.of("karpenter.sh/capacity-type", "spot"),
                "8Gi",
                1800,
                60,
                Duration.ofMinutes(5),
                Duration.ofMinutes(5),
                Duration.ofSeconds(30),
                100,
                "cluster.local");
    }

    public TestTrainingSettings withInstanceTypes(Map<String, String> map) {
        return new TestTrainingSettings(
                instanceTypeLabel,
                map,
                spotNodeSelector,
                defaultShmSize,
                terminationGracePeriodSeconds,
                checkpointSyncIntervalSeconds,
                unschedulableAfter,
                stuckContainerTimeout,
                metricsPollInterval,
                metricHistoryLimit,
                clusterDomain);
    }

    /** A planner with these settings, the default data agent and GPU resource name. */
    public PodGroupPlanner planner() {
        return new PodGroupPlanner(this, DataAgent.DEFAULT, CLUSTER);
    }
}
