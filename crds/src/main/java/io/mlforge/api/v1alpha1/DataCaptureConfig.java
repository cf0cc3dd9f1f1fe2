package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Record requests and responses to S3 (SageMaker data capture), e.g. for model monitoring. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.captureInput || self.captureOutput",
        message = "data capture needs captureInput or captureOutput")
public class DataCaptureConfig {
    @Required
    @Size(max = 1024)
    @Pattern(ApiConstants.S3_URI)
    @JsonPropertyDescription("S3 location of the captured data.")
    public String destinationUri;

    @Default("100")
    @Min(0)
    @Max(100)
    @JsonPropertyDescription("Percent of requests captured.")
    public Integer samplingPercent;

    @Default("true")
    @JsonPropertyDescription("Capture request payloads.")
    public Boolean captureInput;

    @Default("true")
    @JsonPropertyDescription("Capture response payloads.")
    public Boolean captureOutput;

    @Size(max = 2048)
    @JsonPropertyDescription("KMS key to encrypt the captured data.")
    public String kmsKeyId;
}
