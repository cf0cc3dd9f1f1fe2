package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** Settings used when the backend is Kubernetes (ignored by SageMaker). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EndpointKubernetesSettings extends PodSettings {
    @Default("8080")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Port the serving container listens on (SageMaker's contract: 8080).")
    public Integer port;

    @Default("/ping")
    @Size(max = 1024)
    @Pattern(ApiConstants.ABSOLUTE_PATH)
    @JsonPropertyDescription("Health path used for readiness (SageMaker's contract: /ping).")
    public String healthPath;

    @Size(max = 253)
    @JsonPropertyDescription(
            "Extended resource name of the GPUs. Defaults to the operator's configured name (nvidia.com/gpu).")
    public String gpuResourceName;

    @JsonPropertyDescription(
            "Keep unpacked models in a cache that outlives the pod, keyed by the model's content (object keys, ETags and sizes), so another replica or a restarted pod starts without downloading the model again. Unset: every pod downloads its model into its own emptyDir.")
    public ModelCacheConfig modelCache;
}
