package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** One container of an inference pipeline; requests pass through the containers in order. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "(has(self.dataUri) ? 1 : 0) + (has(self.fromTrainingJob) ? 1 : 0) + (has(self.fromTuningJob) ? 1 : 0) <= 1",
        message = "choose at most one model data source: dataUri, fromTrainingJob or fromTuningJob")
@ValidationRule(
        value = "has(self.image)",
        message = "every pipeline container needs an image",
        reason = "FieldValueRequired")
public class PipelineContainer extends ModelSource {
    @Required
    @Size(min = 1, max = 63)
    @Pattern("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
    @JsonPropertyDescription("Name of the container within the pipeline (its hostname on SageMaker).")
    public String name;
}
