package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** Settings of the SageMaker hyperparameter tuning job (backend SageMaker). Region and roles come from the template. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TuningSageMakerSettings {
    @Size(max = 50)
    @ValidationRule(
            value = "self.all(k, !k.startsWith('aws:'))",
            message = "tag keys starting with aws: are reserved by AWS")
    @JsonPropertyDescription("Tags for the SageMaker tuning job (at most 50).")
    public Map<String, String> tags;
}
