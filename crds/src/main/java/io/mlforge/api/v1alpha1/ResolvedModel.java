package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The model data the operator resolved from the spec's source. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResolvedModel {
    @JsonPropertyDescription("Variant the model is for; empty for spec.model.")
    public String variant;

    @JsonPropertyDescription("Pipeline container the model is for; empty for a single-container model.")
    public String container;

    @JsonPropertyDescription(
            "Where the model came from, e.g. TrainingJob/resnet-finetune or TuningJob/xgb-search (trial xgb-search-007-3fa2c1).")
    public String source;

    @JsonPropertyDescription("The model data URI in use.")
    public String dataUri;
}
