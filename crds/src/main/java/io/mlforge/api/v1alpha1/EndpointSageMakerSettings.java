package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** Settings used when the backend is SageMaker (ignored by the in-cluster backend). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EndpointSageMakerSettings {
    @Size(max = 2048)
    @Pattern(ApiConstants.IAM_ROLE_ARN)
    @JsonPropertyDescription(
            "IAM role SageMaker assumes to pull the image and model data. Required with backend SageMaker.")
    public String roleArn;

    @Size(max = 32)
    @Pattern(ApiConstants.AWS_REGION)
    @JsonPropertyDescription("AWS region, e.g. us-east-1. Defaults to the operator's configured region. Immutable.")
    public String region;

    @Size(max = 2048)
    @Pattern(ApiConstants.IAM_ROLE_ARN)
    @JsonPropertyDescription(
            "IAM role the operator assumes (STS AssumeRole) before calling SageMaker for this resource.")
    public String assumeRoleArn;

    @Size(min = 1, max = 63)
    @Pattern(ApiConstants.SAGEMAKER_NAME)
    @JsonPropertyDescription(
            "Name of the SageMaker endpoint that clients invoke. Defaults to one derived from namespace and name. Immutable.")
    public String endpointName;

    @JsonPropertyDescription("VPC subnets and security groups for the model containers.")
    public VpcConfig vpc;

    @Size(max = 2048)
    @JsonPropertyDescription("KMS key for the storage volumes of the endpoint's instances.")
    public String kmsKeyId;

    @Default("false")
    @JsonPropertyDescription("Run the model containers without network access.")
    public Boolean enableNetworkIsolation;

    @Size(max = 50)
    @ValidationRule(
            value = "self.all(k, !k.startsWith('aws:'))",
            message = "tag keys starting with aws: are reserved by AWS")
    @JsonPropertyDescription("Tags for the endpoint, its configs and models (at most 50).")
    public Map<String, String> tags;
}
