package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** SageMaker Asynchronous Inference: requests are queued, results written to S3. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AsyncInferenceConfig {
    @Required
    @Size(max = 1024)
    @Pattern(ApiConstants.S3_URI)
    @JsonPropertyDescription("S3 location for results, s3://bucket/prefix/.")
    public String outputUri;

    @Size(max = 1024)
    @Pattern(ApiConstants.S3_URI)
    @JsonPropertyDescription("S3 location for failed requests' errors.")
    public String failureUri;

    @Size(max = 2048)
    @JsonPropertyDescription("KMS key to encrypt the results.")
    public String kmsKeyId;

    @Min(1)
    @Max(1000)
    @JsonPropertyDescription("Concurrent requests each instance processes. Unset: SageMaker's default.")
    public Integer maxConcurrentInvocationsPerInstance;

    @Size(max = 2048)
    @Pattern("^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]+$")
    @JsonPropertyDescription("SNS topic notified of successful requests.")
    public String successTopicArn;

    @Size(max = 2048)
    @Pattern("^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]+$")
    @JsonPropertyDescription("SNS topic notified of failed requests.")
    public String errorTopicArn;
}
