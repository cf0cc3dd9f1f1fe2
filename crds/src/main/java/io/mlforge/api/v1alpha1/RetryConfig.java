package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** When a failed attempt is followed by a new one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetryConfig {
    @Default("3")
    @Min(1)
    @Max(30)
    @JsonPropertyDescription(
            "Maximum number of attempts, the first included. Infrastructure failures (eviction, preemption, node loss, spot interruption, SageMaker internal errors) start a new attempt until this is reached.")
    public Integer maxAttempts;

    @Size(max = 64)
    @JsonPropertyDescription(
            "Exit codes of the training container that also start a new attempt (backend Kubernetes). Any other non-zero exit code fails the job at once.")
    public List<Integer> onExitCodes;
}
