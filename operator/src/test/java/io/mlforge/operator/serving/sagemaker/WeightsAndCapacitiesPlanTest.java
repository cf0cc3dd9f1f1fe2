package io.mlforge.operator.serving.sagemaker;

import static io.mlforge.operator.serving.sagemaker.SageMakerEndpointPlanTest.endpoint;
import static io.mlforge.operator.serving.sagemaker.SageMakerEndpointPlanTest.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.api.v1alpha1.AutoscalingConfig;
import io.mlforge.api.v1alpha1.Endpoint;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointConfigResponse;
import software.amazon.awssdk.services.sagemaker.model.DesiredWeightAndCapacity;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;

class WeightsAndCapacitiesPlanTest {
    /** What DescribeEndpoint reports for the spec of {@link SageMakerEndpointPlanTest#endpoint}: blue 0.9 × 2, green 0.1 × 1. */
    private static List<ProductionVariantSummary> described(float blueWeight, int blueCount, float greenWeight) {
        return List.of(
                ProductionVariantSummary.builder()
                        .variantName("blue")
                        .currentWeight(blueWeight)
                        .desiredWeight(blueWeight)
                        .currentInstanceCount(blueCount)
                        .desiredInstanceCount(blueCount)
                        .build(),
                ProductionVariantSummary.builder()
                        .variantName("green")
                        .currentWeight(greenWeight)
                        .desiredWeight(greenWeight)
                        .currentInstanceCount(1)
                        .desiredInstanceCount(1)
                        .build());
    }

    /** The planned config as DescribeEndpointConfig returns it once created. */
    private static DescribeEndpointConfigResponse asDescribed(Endpoint e) {
        var config = plan(e).endpointConfig();
        return DescribeEndpointConfigResponse.builder()
                .endpointConfigName(config.endpointConfigName())
                .productionVariants(config.productionVariants())
                .asyncInferenceConfig(config.asyncInferenceConfig())
                .dataCaptureConfig(config.dataCaptureConfig())
                .kmsKeyId(config.kmsKeyId())
                .build();
    }

    @Test
    void weightsAndCountsLeaveTheShapeAndEverythingElseChangesIt() {
        var served = WeightsAndCapacitiesPlan.shape(asDescribed(endpoint("")));

        Endpoint reweighted = endpoint("");
        reweighted.getSpec().variants.get(0).weight = 0.5;
        reweighted.getSpec().variants.get(1).weight = 0.5;
        reweighted.getSpec().variants.get(1).instanceCount = 4;
        assertThat(plan(reweighted).endpointConfig().endpointConfigName())
                .as("the config's name still hashes its initial weights")
                .isNotEqualTo(plan(endpoint("")).endpointConfig().endpointConfigName());
        assertThat(WeightsAndCapacitiesPlan.shape(plan(reweighted).endpointConfig()))
                .isEqualTo(served);

        Endpoint newModel = endpoint("");
        newModel.getSpec().model.dataUri = "s3://bucket/models/churn-2/model.tar.gz";
        Endpoint newType = endpoint("");
        newType.getSpec().variants.get(1).instanceType = "ml.g5.xlarge";
        Endpoint capture = endpoint("  dataCapture: {destinationUri: s3://bucket/capture}\n");
        Endpoint oneVariant = endpoint("");
        oneVariant.getSpec().variants.remove(1);
        for (Endpoint other : List.of(newModel, newType, capture, oneVariant)) {
            assertThat(WeightsAndCapacitiesPlan.shape(plan(other).endpointConfig()))
                    .isNotEqualTo(served);
        }
    }

    @Test
    void nextSendsEveryChangedWeightAndOneVariantsCapacityAtATime() {
        Endpoint e = endpoint("");
        assertThat(WeightsAndCapacitiesPlan.next(e, described(0.9f, 2, 0.1f)))
                .as("as the spec: nothing to send")
                .isEmpty();

        e.getSpec().variants.get(0).weight = 0.5;
        e.getSpec().variants.get(1).weight = 0.5;
        e.getSpec().variants.get(0).instanceCount = 3;
        e.getSpec().variants.get(1).instanceCount = 2;
        List<DesiredWeightAndCapacity> first = WeightsAndCapacitiesPlan.next(e, described(0.9f, 2, 0.1f));
        assertThat(first)
                .containsExactly(
                        DesiredWeightAndCapacity.builder()
                                .variantName("blue")
                                .desiredWeight(0.5f)
                                .desiredInstanceCount(3)
                                .build(),
                        DesiredWeightAndCapacity.builder()
                                .variantName("green")
                                .desiredWeight(0.5f)
                                .build());
        assertThat(WeightsAndCapacitiesPlan.describe(first)).isEqualTo("blue weight 0.5 instances 3, green weight 0.5");

        List<DesiredWeightAndCapacity> second = WeightsAndCapacitiesPlan.next(e, described(0.5f, 3, 0.5f));
        assertThat(second)
                .as("the second variant's capacity in the next call")
                .containsExactly(DesiredWeightAndCapacity.builder()
                        .variantName("green")
                        .desiredInstanceCount(2)
                        .build());
    }

    @Test
    void anAutoscaledVariantKeepsTheCountItsScalableTargetChose() {
        Endpoint e = endpoint("");
        AutoscalingConfig scaling = new AutoscalingConfig();
        scaling.minInstances = 1;
        scaling.maxInstances = 8;
        e.getSpec().variants.get(0).autoscaling = scaling;
        assertThat(WeightsAndCapacitiesPlan.next(e, described(0.9f, 6, 0.1f)))
                .as("6 instances chosen by Application Auto Scaling, 2 in the spec")
                .isEmpty();
        e.getSpec().variants.get(0).weight = 0.7;
        assertThat(WeightsAndCapacitiesPlan.next(e, described(0.9f, 6, 0.1f)))
                .containsExactly(DesiredWeightAndCapacity.builder()
                        .variantName("blue")
                        .desiredWeight(0.7f)
                        .build());
    }

    @Test
    void floatWeightsFromSageMakerEqualTheSpecsDoubles() {
        Endpoint e = endpoint("");
        e.getSpec().variants.get(0).weight = 0.8;
        e.getSpec().variants.get(1).weight = 0.2;
        assertThat(WeightsAndCapacitiesPlan.next(e, described(0.8f, 2, 0.2f))).isEmpty();
    }
}
