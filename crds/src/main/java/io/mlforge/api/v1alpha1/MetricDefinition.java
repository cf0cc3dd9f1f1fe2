package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A metric read from the training log, with SageMaker's semantics: the regex's first group is the value; the latest match wins. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.regex.contains('(')",
        message = "metric regex needs a capture group around the value, e.g. val_acc=([0-9.]+)")
public class MetricDefinition {
    @Required
    @Size(min = 1, max = 255)
    @JsonPropertyDescription(
            "Metric name, e.g. validation:accuracy. A TuningJob's objective refers to it by this name.")
    public String name;

    @Required
    @Size(min = 1, max = 500)
    @JsonPropertyDescription(
            "Regular expression applied to each line of the training log; the first capture group is parsed as the value, e.g. val_acc=([0-9.]+).")
    public String regex;

    public MetricDefinition() {}

    public MetricDefinition(String name, String regex) {
        this.name = name;
        this.regex = regex;
    }
}
