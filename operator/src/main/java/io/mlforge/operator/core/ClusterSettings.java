package io.mlforge.operator.core;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code mlforge.cluster.*}: facts about the cluster every feature that runs pods shares. */
@ConfigMapping(prefix = "mlforge.cluster")
public interface ClusterSettings {
    /** Extended resource name of GPUs, unless a TrainingJob or Endpoint names another (was mlforge.training.gpu-resource-name). */
    @WithDefault("nvidia.com/gpu")
    String gpuResourceName();
}
