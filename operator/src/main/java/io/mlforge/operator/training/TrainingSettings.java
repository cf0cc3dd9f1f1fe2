package io.mlforge.operator.training;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/** {@code mlforge.training.*}: how the in-cluster backend builds and watches training pods (the data agent and GPU resource name: {@code mlforge.data-agent.*}, {@code mlforge.cluster.*}). */
@ConfigMapping(prefix = "mlforge.training")
public interface TrainingSettings {
    /** Node label that instance types select on. */
    @WithDefault("node.kubernetes.io/instance-type")
    String instanceTypeLabel();

    /** Instance type (as in spec.resources.instanceType) to node label value; unlisted types drop their "ml." prefix. */
    Map<String, String> instanceTypes();

    /** Node labels that select spot capacity for jobs with spot.enabled. */
    @WithDefault("karpenter.sh/capacity-type=spot")
    Map<String, String> spotNodeSelector();

    /** Size of /dev/shm when neither the job nor a memory limit says. */
    @WithDefault("8Gi")
    String defaultShmSize();

    /** Grace period of training pods: time for the final checkpoint sync and model upload after the trainer exits. */
    @WithDefault("1800")
    long terminationGracePeriodSeconds();

    /** How often the sidecar syncs checkpoints to S3. */
    @WithDefault("60")
    int checkpointSyncIntervalSeconds();

    /** A pod that cannot be scheduled for this long sets the Unschedulable condition (the job keeps waiting). */
    @WithDefault("5m")
    Duration unschedulableAfter();

    /** A container stuck in ImagePullBackOff, CreateContainerConfigError or similar for this long fails the attempt. */
    @WithDefault("5m")
    Duration stuckContainerTimeout();

    /** How often the rank-0 trainer log is read for metrics while a job runs. */
    @WithDefault("30s")
    Duration metricsPollInterval();

    /** Values kept per metric in status.metricHistory. */
    @WithDefault("100")
    int metricHistoryLimit();

    /** Cluster DNS domain, for the pods' search path (algo-N resolves as on SageMaker). */
    @WithDefault("cluster.local")
    String clusterDomain();
}
