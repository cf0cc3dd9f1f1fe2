package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Settings of the Bayesian optimizer (backend Kubernetes). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BayesianConfig {
    @Min(1)
    @Max(1000)
    @JsonPropertyDescription(
            "Quasi-random trials before the Gaussian-process model is used. Unset: max(5, 2 x number of parameters).")
    public Integer initialTrials;
}
