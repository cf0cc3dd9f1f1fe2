package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** A hyperparameter the search chooses; its value reaches the trial as a hyperparameter of the same name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "self.type == 'Categorical' ? (has(self.values) && !has(self.min) && !has(self.max)) : (has(self.min) && has(self.max) && !has(self.values))",
        message = "Integer and Continuous parameters take min and max; Categorical parameters take values")
@ValidationRule(
        value = "!has(self.min) || !has(self.max) || self.min < self.max",
        message = "min must be less than max")
@ValidationRule(
        value =
                "self.type != 'Integer' || ((!has(self.min) || self.min == double(int(self.min))) && (!has(self.max) || self.max == double(int(self.max))))",
        message = "Integer parameters need whole-number min and max")
@ValidationRule(
        value = "!has(self.scaling) || self.scaling != 'Logarithmic' || (has(self.min) && self.min > 0.0)",
        message = "Logarithmic scaling needs a positive range: min must be greater than 0")
@ValidationRule(
        value =
                "!has(self.scaling) || self.scaling != 'ReverseLogarithmic' || (self.type == 'Continuous' && has(self.min) && has(self.max) && self.min >= 0.0 && self.max < 1.0)",
        message = "ReverseLogarithmic scaling is for Continuous parameters within [0, 1): 0 <= min and max < 1")
@ValidationRule(
        value = "self.type != 'Categorical' || !has(self.scaling) || self.scaling == 'Auto'",
        message = "Categorical parameters have no scaling")
public class TuningParameter {
    @Required
    @Size(min = 1, max = 256)
    @JsonPropertyDescription("Hyperparameter name as the training code reads it, e.g. lr or num_round.")
    public String name;

    @Required
    @JsonPropertyDescription("Integer, Continuous or Categorical.")
    public ParameterType type;

    @JsonPropertyDescription("Lower bound (Integer and Continuous), included.")
    public Double min;

    @JsonPropertyDescription("Upper bound (Integer and Continuous), included; must exceed min.")
    public Double max;

    @Size(min = 1, max = 30)
    @UniqueBy
    @JsonPropertyDescription("The values to choose from (Categorical), 1 to 30.")
    public List<@Size(max = 256) String> values;

    @Default("Auto")
    @JsonPropertyDescription(
            "How the range is searched: Auto, Linear, Logarithmic (min > 0) or ReverseLogarithmic (Continuous within [0, 1)).")
    public ParameterScaling scaling;
}
