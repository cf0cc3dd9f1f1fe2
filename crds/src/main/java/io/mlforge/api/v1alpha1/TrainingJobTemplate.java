package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

/** The TrainingJob every trial is made from; tuned parameters are added to its hyperParameters. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingJobTemplate {
    @Size(max = 64)
    @JsonPropertyDescription("Labels for every trial TrainingJob.")
    public Map<String, String> labels;

    @Size(max = 64)
    @JsonPropertyDescription("Annotations for every trial TrainingJob.")
    public Map<String, String> annotations;

    @Required
    @JsonPropertyDescription("The TrainingJob spec of every trial.")
    public TrainingJobSpec spec;
}
