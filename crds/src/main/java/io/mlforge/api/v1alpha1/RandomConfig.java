package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** Settings of random search (backend Kubernetes). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RandomConfig {
    @Default("false")
    @JsonPropertyDescription(
            "Draw from a scrambled Sobol sequence instead of independent uniform draws: covers the space more evenly for the same number of trials.")
    public Boolean quasiRandom;
}
