package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Hyperband's budget: trials get between minResource and maxResource units of resourceParameter. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.minResource) || self.minResource < self.maxResource",
        message = "hyperband.minResource must be less than maxResource")
public class HyperbandConfig {
    @Required
    @Size(min = 1, max = 256)
    @JsonPropertyDescription(
            "Hyperparameter that sets a trial's budget, e.g. epochs. The operator sets it per trial; it must not also be a tuned parameter.")
    public String resourceParameter;

    @Default("1")
    @Min(1)
    @JsonPropertyDescription("Smallest budget a trial gets.")
    public Integer minResource;

    @Required
    @Min(1)
    @JsonPropertyDescription("Largest budget a trial gets, e.g. 81 epochs.")
    public Integer maxResource;

    @Default("3")
    @Min(2)
    @Max(10)
    @JsonPropertyDescription(
            "Reduction factor: each rung keeps the best 1/eta of its trials. In-cluster only; SageMaker uses its own (3).")
    public Integer eta;
}
