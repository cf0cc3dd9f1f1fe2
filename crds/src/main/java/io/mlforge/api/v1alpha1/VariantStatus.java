package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Observed state of one variant. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VariantStatus {
    @JsonPropertyDescription("Variant name.")
    public String name;

    @JsonPropertyDescription("Weight the spec asks for.")
    public Double desiredWeight;

    @JsonPropertyDescription("Weight the backend currently routes with.")
    public Double currentWeight;

    @JsonPropertyDescription("Instances the spec (or autoscaler) asks for.")
    public Integer desiredInstances;

    @JsonPropertyDescription("Instances ready to serve.")
    public Integer readyInstances;
}
