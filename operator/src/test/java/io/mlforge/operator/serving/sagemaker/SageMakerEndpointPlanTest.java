package io.mlforge.operator.serving.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.ModelSpec;
import io.mlforge.api.v1alpha1.Variant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SageMakerEndpointPlanTest {
    static Endpoint endpoint(String extra) {
        return Serialization.unmarshal("""
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: churn, namespace: ml, uid: 11111111-2222-3333-4444-555555555555}
                spec:
                  backend: SageMaker
                  model:
                    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
                    dataUri: s3://bucket/models/churn-1/model.tar.gz
                    environment: {B: "2", A: "1"}
                  variants:
                    - {name: blue, instanceType: ml.m5.large, instanceCount: 2, weight: 0.9}
                    - {name: green, instanceType: ml.m5.large, instanceCount: 1, weight: 0.1}
                  sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """ + extra, Endpoint.class);
    }

    static Map<String, ModelSpec> models(Endpoint e) {
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        for (Variant v : e.getSpec().variants) {
            models.put(v.name, v.model != null ? v.model : e.getSpec().model);
        }
        return models;
    }

    static SageMakerEndpointPlan.Plan plan(Endpoint e) {
        return SageMakerEndpointPlan.plan(e, models(e));
    }

    @Test
    void anUnchangedSpecPlansTheSameNamesAndAChangedOneNewNames() {
        var first = plan(endpoint(""));
        var again = plan(endpoint(""));
        assertThat(again.endpointConfig().endpointConfigName())
                .isEqualTo(first.endpointConfig().endpointConfigName());
        assertThat(again.modelNameByVariant()).isEqualTo(first.modelNameByVariant());
        assertThat(first.endpointName()).isEqualTo("ml-churn");
        assertThat(first.endpointConfig().endpointConfigName()).matches("ml-churn-[0-9a-f]{8}");
        assertThat(first.models())
                .as("both variants serve the same model: one SageMaker Model")
                .hasSize(1);

        Endpoint newModel = endpoint("");
        newModel.getSpec().model.dataUri = "s3://bucket/models/churn-2/model.tar.gz";
        var changed = plan(newModel);
        assertThat(changed.modelNameByVariant().get("blue"))
                .isNotEqualTo(first.modelNameByVariant().get("blue"));
        assertThat(changed.endpointConfig().endpointConfigName())
                .isNotEqualTo(first.endpointConfig().endpointConfigName());

        Endpoint newWeights = endpoint("");
        newWeights.getSpec().variants.get(1).weight = 0.5;
        var reweighted = plan(newWeights);
        assertThat(reweighted.modelNameByVariant()).as("same model").isEqualTo(first.modelNameByVariant());
        assertThat(reweighted.endpointConfig().endpointConfigName())
                .as("new config")
                .isNotEqualTo(first.endpointConfig().endpointConfigName());
    }

    @Test
    void environmentOrderDoesNotChangeTheHash() {
        Endpoint reordered = endpoint("");
        reordered.getSpec().model.environment = new LinkedHashMap<>(Map.of("A", "1", "B", "2"));
        assertThat(plan(reordered).modelNameByVariant())
                .isEqualTo(plan(endpoint("")).modelNameByVariant());
    }

    @Test
    void mapsVariantsWithWeightsInstancesAndTheModelContainer() {
        var plan = plan(endpoint(""));
        assertThat(plan.endpointConfig().productionVariants())
                .extracting(v -> v.variantName() + " " + v.instanceType() + " x" + v.initialInstanceCount() + " w"
                        + v.initialVariantWeight())
                .containsExactly("blue ml.m5.large x2 w0.9", "green ml.m5.large x1 w0.1");
        var model = plan.models().get(0);
        assertThat(model.executionRoleArn()).isEqualTo("arn:aws:iam::123456789012:role/SageMakerExecutionRole");
        assertThat(model.primaryContainer().modelDataUrl()).isEqualTo("s3://bucket/models/churn-1/model.tar.gz");
        assertThat(model.primaryContainer().modeAsString()).isEqualTo("SingleModel");
        assertThat(model.primaryContainer().environment())
                .containsEntry("A", "1")
                .containsEntry("B", "2");
        assertThat(model.tags())
                .extracting(t -> t.key())
                .contains("mlforge.io/namespace", "mlforge.io/name", "mlforge.io/uid");
    }

    @Test
    void serverlessAsyncAndDataCapture() {
        Endpoint serverless = endpoint("");
        serverless.getSpec().variants =
                java.util.List.of(serverless.getSpec().variants.get(0));
        serverless.getSpec().variants.get(0).instanceType = null;
        serverless.getSpec().variants.get(0).serverless = new io.mlforge.api.v1alpha1.ServerlessConfig();
        serverless.getSpec().variants.get(0).serverless.memorySizeMB = 5120;
        serverless.getSpec().variants.get(0).serverless.maxConcurrency = 5;
        var variant = plan(serverless).endpointConfig().productionVariants().get(0);
        assertThat(variant.serverlessConfig().memorySizeInMB()).isEqualTo(5120);
        assertThat(variant.serverlessConfig().maxConcurrency()).isEqualTo(5);
        assertThat(variant.instanceType()).isNull();

        Endpoint async = endpoint("""
                  async: {outputUri: "s3://bucket/async/out/", failureUri: "s3://bucket/async/failed/", maxConcurrentInvocationsPerInstance: 4,
                          successTopicArn: "arn:aws:sns:us-east-1:123456789012:ok"}
                  dataCapture: {destinationUri: "s3://bucket/capture/", samplingPercent: 20, captureOutput: false}
                """);
        var config = plan(async).endpointConfig();
        assertThat(config.asyncInferenceConfig().outputConfig().s3OutputPath()).isEqualTo("s3://bucket/async/out/");
        assertThat(config.asyncInferenceConfig().outputConfig().s3FailurePath()).isEqualTo("s3://bucket/async/failed/");
        assertThat(config.asyncInferenceConfig()
                        .outputConfig()
                        .notificationConfig()
                        .successTopic())
                .endsWith(":ok");
        assertThat(config.asyncInferenceConfig().clientConfig().maxConcurrentInvocationsPerInstance())
                .isEqualTo(4);
        assertThat(config.dataCaptureConfig().initialSamplingPercentage()).isEqualTo(20);
        assertThat(config.dataCaptureConfig().captureOptions())
                .extracting(o -> o.captureModeAsString())
                .containsExactly("Input");
    }

    @Test
    void pipelinesAreSerialContainersAndMultiModelIsAMode() {
        Endpoint pipeline = endpoint("");
        pipeline.getSpec().model = Serialization.unmarshal("""
                pipeline:
                  - {name: preprocess, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/sklearn:1", dataUri: "s3://bucket/pre.tar.gz"}
                  - {name: predict, image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", dataUri: "s3://bucket/m.tar.gz"}
                """, ModelSpec.class);
        var model = plan(pipeline).models().get(0);
        assertThat(model.containers()).extracting(c -> c.containerHostname()).containsExactly("preprocess", "predict");
        assertThat(model.inferenceExecutionConfig().modeAsString()).isEqualTo("Serial");

        Endpoint multi = endpoint("");
        multi.getSpec().model.mode = ModelSpec.Mode.MultiModel;
        multi.getSpec().model.dataUri = "s3://bucket/models/";
        assertThat(plan(multi).models().get(0).primaryContainer().modeAsString())
                .isEqualTo("MultiModel");
    }

    @Test
    void deploymentPoliciesBecomeBlueGreenTrafficShifting() {
        Endpoint canary = endpoint("""
                  deployment:
                    strategy: Canary
                    canary: {trafficPercent: 10, waitSeconds: 600}
                    terminationWaitSeconds: 300
                    maxUpdateSeconds: 3600
                    rollbackAlarms: [churn-5xx, churn-latency]
                """);
        var deployment = plan(canary).deployment();
        var routing = deployment.blueGreenUpdatePolicy().trafficRoutingConfiguration();
        assertThat(routing.typeAsString()).isEqualTo("CANARY");
        assertThat(routing.canarySize().typeAsString()).isEqualTo("CAPACITY_PERCENT");
        assertThat(routing.canarySize().value()).isEqualTo(10);
        assertThat(routing.waitIntervalInSeconds()).isEqualTo(600);
        assertThat(deployment.blueGreenUpdatePolicy().terminationWaitInSeconds())
                .isEqualTo(300);
        assertThat(deployment.blueGreenUpdatePolicy().maximumExecutionTimeoutInSeconds())
                .isEqualTo(3600);
        assertThat(deployment.autoRollbackConfiguration().alarms())
                .extracting(a -> a.alarmName())
                .containsExactly("churn-5xx", "churn-latency");

        Endpoint linear = endpoint("""
                  deployment: {strategy: Linear, linear: {trafficPercent: 25, waitSeconds: 120}}
                """);
        assertThat(plan(linear)
                        .deployment()
                        .blueGreenUpdatePolicy()
                        .trafficRoutingConfiguration()
                        .linearStepSize()
                        .value())
                .isEqualTo(25);
        assertThat(plan(endpoint("")).deployment()).isNull();
    }
}
