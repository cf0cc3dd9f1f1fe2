package io.mlforge.operator.aws;

import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateModelRequest;
import software.amazon.awssdk.services.sagemaker.model.DeploymentConfig;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DesiredWeightAndCapacity;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/** SageMaker hosting as the operator uses it (same clients, credentials and rate limit as training and tuning). */
public interface SageMakerHostingService {
    /** Creates a model; false when one of that (content-hash) name exists already, which is then the same model. */
    boolean createModel(SageMakerTarget target, CreateModelRequest request);

    /** Creates an endpoint config; false when it exists already. */
    boolean createEndpointConfig(SageMakerTarget target, CreateEndpointConfigRequest request);

    /** The endpoint, or empty if SageMaker does not know it. */
    Optional<DescribeEndpointResponse> describeEndpoint(SageMakerTarget target, String name);

    /** The endpoint config, or empty if SageMaker does not know it. */
    Optional<DescribeEndpointConfigResponse> describeEndpointConfig(SageMakerTarget target, String name);

    /** Creates the endpoint and returns its ARN. */
    String createEndpoint(SageMakerTarget target, String name, String configName, List<Tag> tags);

    /** Rolls the endpoint to another config (blue/green per {@code deployment}, null: SageMaker's default). */
    void updateEndpoint(SageMakerTarget target, String name, String configName, DeploymentConfig deployment);

    /**
     * Changes variant weights, or the instance count of one variant, of an endpoint in service, keeping its config
     * and instances (no blue/green fleet).
     */
    void updateEndpointWeightsAndCapacities(
            SageMakerTarget target, String name, List<DesiredWeightAndCapacity> desired);

    /** Deletes the endpoint (nothing when it is gone). */
    void deleteEndpoint(SageMakerTarget target, String name);

    /** Deletes an endpoint config (nothing when it is gone). */
    void deleteEndpointConfig(SageMakerTarget target, String name);

    /** Deletes a model (nothing when it is gone). */
    void deleteModel(SageMakerTarget target, String name);
}
