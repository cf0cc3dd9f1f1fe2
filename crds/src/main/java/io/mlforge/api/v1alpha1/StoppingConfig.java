package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Limits after which a run is stopped. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StoppingConfig {
    @Min(1)
    @Max(2419200)
    @JsonPropertyDescription(
            "Maximum run time of one attempt in seconds; the run is then stopped and fails with reason MaxRuntimeExceeded. SageMaker uses 86400 (one day) when unset; in the cluster unset means no limit.")
    public Integer maxRuntimeSeconds;
}
