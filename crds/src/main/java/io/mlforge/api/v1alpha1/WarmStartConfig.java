package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Start the search from what finished TuningJobs learned. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WarmStartConfig {
    public enum Type {
        IdenticalDataAndAlgorithm,
        TransferLearning
    }

    @Required
    @Size(min = 1, max = 5)
    @JsonPropertyDescription("Names of up to 5 finished TuningJobs in this namespace whose trials seed the search.")
    public List<@Size(max = 253) @Pattern(ApiConstants.DNS1123_SUBDOMAIN) String> parents;

    @Default("IdenticalDataAndAlgorithm")
    @JsonPropertyDescription(
            "IdenticalDataAndAlgorithm (same data and code, parents' results reused as is) or TransferLearning (different data or code, results used as a prior).")
    public Type type;
}
