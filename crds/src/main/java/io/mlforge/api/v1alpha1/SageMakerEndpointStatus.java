package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The SageMaker resources behind an Endpoint (backend SageMaker). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SageMakerEndpointStatus {
    @JsonPropertyDescription("SageMaker endpoint name; invoke it with sagemaker-runtime InvokeEndpoint.")
    public String endpointName;

    @JsonPropertyDescription("ARN of the endpoint.")
    public String endpointArn;

    @JsonPropertyDescription("Region of the endpoint.")
    public String region;

    @JsonPropertyDescription(
            "EndpointStatus as SageMaker reports it: Creating, InService, Updating, RollingBack, Failed, ...")
    public String endpointStatus;

    @JsonPropertyDescription("Endpoint config in service (content-hash named).")
    public String endpointConfigName;

    @JsonPropertyDescription("Endpoint config being rolled out, during an update.")
    public String pendingEndpointConfigName;

    @JsonPropertyDescription("SageMaker models in use.")
    public List<String> modelNames;

    @JsonPropertyDescription(
            "SageMaker models and endpoint configs MLForge created for this Endpoint and has not deleted yet. Each name is recorded here before it is created, so one created for a spec that was replaced before it went into service (or by an operator that stopped half way) is deleted once the endpoint is in service, and all of them with the Endpoint.")
    public List<String> createdNames;

    @JsonPropertyDescription(
            "Runtime invocation URL: https://runtime.sagemaker.<region>.amazonaws.com/endpoints/<name>/invocations.")
    public String invocationUrl;
}
