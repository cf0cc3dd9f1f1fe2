package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Run on spare (spot) capacity at a lower price, accepting interruptions. Use with checkpoints. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SpotConfig {
    @Default("false")
    @JsonPropertyDescription(
            "Use spot capacity: SageMaker managed spot training, or in the cluster the operator's configured spot node selector and tolerations. An interruption starts a new attempt that resumes from checkpoints.")
    public Boolean enabled;

    @Min(1)
    @Max(2419200)
    @JsonPropertyDescription(
            "Upper bound in seconds on waiting for spot capacity plus running; must be at least stopping.maxRuntimeSeconds (86400 when that is not set).")
    public Integer maxWaitSeconds;
}
