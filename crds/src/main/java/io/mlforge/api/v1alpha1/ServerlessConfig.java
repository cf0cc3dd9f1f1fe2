package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** SageMaker Serverless Inference: no instances to manage, billed per request. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.provisionedConcurrency) || self.provisionedConcurrency <= self.maxConcurrency",
        message = "serverless.provisionedConcurrency cannot exceed maxConcurrency")
public class ServerlessConfig {
    @Required
    @Min(1024)
    @Max(6144)
    @ValidationRule(
            value = "self in [1024, 2048, 3072, 4096, 5120, 6144]",
            message = "serverless memory must be one of 1024, 2048, 3072, 4096, 5120, 6144 MB")
    @JsonPropertyDescription("Memory of each serverless instance in MB: 1024, 2048, 3072, 4096, 5120 or 6144.")
    public Integer memorySizeMB;

    @Required
    @Min(1)
    @Max(200)
    @JsonPropertyDescription("Maximum concurrent invocations, 1 to 200.")
    public Integer maxConcurrency;

    @Min(1)
    @Max(200)
    @JsonPropertyDescription("Invocations kept warm to avoid cold starts, at most maxConcurrency.")
    public Integer provisionedConcurrency;
}
