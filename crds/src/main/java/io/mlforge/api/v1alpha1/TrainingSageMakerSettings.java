package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** Settings used when the backend is SageMaker (ignored by the in-cluster backend, so switching backend needs no other edit). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingSageMakerSettings {
    @Size(max = 2048)
    @Pattern(ApiConstants.IAM_ROLE_ARN)
    @JsonPropertyDescription(
            "IAM role SageMaker assumes to run the job (read inputs, write outputs, pull the image). Required with backend SageMaker.")
    public String roleArn;

    @Size(max = 32)
    @Pattern(ApiConstants.AWS_REGION)
    @JsonPropertyDescription("AWS region to run in, e.g. us-east-1. Defaults to the operator's configured region.")
    public String region;

    @Size(max = 2048)
    @Pattern(ApiConstants.IAM_ROLE_ARN)
    @JsonPropertyDescription(
            "IAM role the operator assumes (STS AssumeRole) before calling SageMaker for this resource, e.g. to work in another account. Unset: the operator's own credentials (IRSA, EKS Pod Identity or the default chain).")
    public String assumeRoleArn;

    @JsonPropertyDescription("VPC subnets and security groups for the training instances.")
    public VpcConfig vpc;

    @Size(max = 50)
    @ValidationRule(
            value = "self.all(k, !k.startsWith('aws:'))",
            message = "tag keys starting with aws: are reserved by AWS")
    @JsonPropertyDescription(
            "Tags for the SageMaker job (at most 50). The operator adds tags naming the Kubernetes namespace, name and UID.")
    public Map<String, String> tags;

    @Default("false")
    @JsonPropertyDescription("Run the training container without network access.")
    public Boolean enableNetworkIsolation;

    @Default("false")
    @JsonPropertyDescription("Encrypt traffic between the instances of a distributed job.")
    public Boolean enableInterContainerTrafficEncryption;
}
