package io.mlforge.operator.tuning.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.operator.aws.CreateTrainingJobMapping;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.CreateHyperParameterTuningJobRequest;

class CreateTuningJobMappingTest {
    static TuningJob tuning(String extra) {
        TuningJob job = Serialization.unmarshal("""
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: xgboost-churn-search-with-a-long-name, namespace: ml, uid: 0f1e2d3c-aaaa-bbbb-cccc-123456789abc}
                spec:
                  backend: SageMaker
                  strategy: Bayesian
                  objective: {metricName: "validation:auc", type: Maximize}
                  parameters:
                    - {name: eta, type: Continuous, min: 0.01, max: 0.5, scaling: Logarithmic}
                    - {name: max_depth, type: Integer, min: 3, max: 10}
                    - {name: booster, type: Categorical, values: [gbtree, dart]}
                    - {name: subsample, type: Continuous, min: 0.5, max: 0.99, scaling: ReverseLogarithmic}
                  maxTrials: 30
                  maxParallelTrials: 3
                  maxRuntimeSeconds: 7200
                  earlyStopping: Auto
                  randomSeed: 42
                  completionCriteria: {targetObjectiveValue: 0.98, maxTrialsWithoutImprovement: 10, stopOnConvergence: true}
                  trainingJobTemplate:
                    spec:
                      backend: SageMaker
                      image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
                      hyperParameters: {objective: "binary:logistic", num_round: "200"}
                      resources: {instanceType: ml.m5.xlarge, instanceCount: 1, volumeSizeGB: 10}
                      inputs:
                        - {name: train, uri: "s3://bucket/churn/train/", contentType: text/csv}
                      output: {uri: "s3://bucket/tuning/"}
                      stopping: {maxRuntimeSeconds: 3600}
                      metrics: [{name: "validation:auc", regex: "validation-auc:([0-9.]+)"}]
                      sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole", enableNetworkIsolation: true}
                """ + extra, TuningJob.class);
        return job;
    }

    @Test
    void theNameIsDeterministicAndFitsThirtyTwoCharacters() {
        TuningJob job = tuning("");
        String name = CreateTuningJobMapping.tuningJobName(
                job.getMetadata().getName(), job.getMetadata().getUid());
        assertThat(name)
                .hasSizeLessThanOrEqualTo(32)
                .matches("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")
                .startsWith("xgboost-churn-search-w")
                .isEqualTo(CreateTuningJobMapping.tuningJobName(
                        job.getMetadata().getName(), job.getMetadata().getUid()));
        assertThat(CreateTuningJobMapping.request(job, List.of()).hyperParameterTuningJobName())
                .isEqualTo(name);
    }

    @Test
    void mapsStrategyObjectiveLimitsRangesEarlyStoppingCompletionAndSeed() {
        var config = CreateTuningJobMapping.request(tuning(""), List.of()).hyperParameterTuningJobConfig();
        assertThat(config.strategyAsString()).isEqualTo("Bayesian");
        assertThat(config.hyperParameterTuningJobObjective().typeAsString()).isEqualTo("Maximize");
        assertThat(config.hyperParameterTuningJobObjective().metricName()).isEqualTo("validation:auc");
        assertThat(config.resourceLimits().maxNumberOfTrainingJobs()).isEqualTo(30);
        assertThat(config.resourceLimits().maxParallelTrainingJobs()).isEqualTo(3);
        assertThat(config.resourceLimits().maxRuntimeInSeconds()).isEqualTo(7200);
        assertThat(config.parameterRanges().continuousParameterRanges())
                .extracting(r -> r.name() + " " + r.minValue() + ".." + r.maxValue() + " " + r.scalingTypeAsString())
                .containsExactly("eta 0.01..0.5 Logarithmic", "subsample 0.5..0.99 ReverseLogarithmic");
        assertThat(config.parameterRanges().integerParameterRanges())
                .extracting(r -> r.name() + " " + r.minValue() + ".." + r.maxValue() + " " + r.scalingTypeAsString())
                .containsExactly("max_depth 3..10 Auto");
        assertThat(config.parameterRanges().categoricalParameterRanges())
                .singleElement()
                .satisfies(r -> assertThat(r.values()).containsExactly("gbtree", "dart"));
        assertThat(config.trainingJobEarlyStoppingTypeAsString()).isEqualTo("Auto");
        assertThat(config.tuningJobCompletionCriteria().targetObjectiveMetricValue())
                .isEqualTo(0.98f);
        assertThat(config.tuningJobCompletionCriteria()
                        .bestObjectiveNotImproving()
                        .maxNumberOfTrainingJobsNotImproving())
                .isEqualTo(10);
        assertThat(config.tuningJobCompletionCriteria().convergenceDetected().completeOnConvergenceAsString())
                .isEqualTo("Enabled");
        assertThat(config.randomSeed()).isEqualTo(42);
    }

    @Test
    void hyperbandGetsItsResourceLimitsAndNoEarlyStoppingType() {
        String yaml = "";
        TuningJob job = tuning(yaml);
        job.getSpec().strategy = io.mlforge.api.v1alpha1.TuningStrategy.Hyperband;
        job.getSpec().earlyStopping = null;
        job.getSpec().hyperband = new io.mlforge.api.v1alpha1.HyperbandConfig();
        job.getSpec().hyperband.resourceParameter = "num_round";
        job.getSpec().hyperband.minResource = 10;
        job.getSpec().hyperband.maxResource = 270;
        var config = CreateTuningJobMapping.request(job, List.of()).hyperParameterTuningJobConfig();
        assertThat(config.strategyAsString()).isEqualTo("Hyperband");
        assertThat(config.strategyConfig().hyperbandStrategyConfig().minResource())
                .isEqualTo(10);
        assertThat(config.strategyConfig().hyperbandStrategyConfig().maxResource())
                .isEqualTo(270);
        assertThat(config.trainingJobEarlyStoppingType()).isNull();
    }

    @Test
    void theTrainingJobDefinitionIsTheTrainingJobMappingOfTheTemplate() {
        TuningJob job = tuning("");
        CreateHyperParameterTuningJobRequest request = CreateTuningJobMapping.request(job, List.of());
        var definition = request.trainingJobDefinition();
        TrainingJob template = new TrainingJob();
        template.setMetadata(job.getMetadata());
        template.setSpec(job.getSpec().trainingJobTemplate.spec);
        var training = CreateTrainingJobMapping.request(template, "x", 1);
        assertThat(definition.algorithmSpecification().trainingImage())
                .isEqualTo(training.algorithmSpecification().trainingImage());
        assertThat(definition.algorithmSpecification().metricDefinitions())
                .isEqualTo(training.algorithmSpecification().metricDefinitions());
        assertThat(definition.staticHyperParameters())
                .isEqualTo(training.hyperParameters())
                .containsEntry("num_round", "200");
        assertThat(definition.inputDataConfig()).isEqualTo(training.inputDataConfig());
        assertThat(definition.outputDataConfig()).isEqualTo(training.outputDataConfig());
        assertThat(definition.resourceConfig()).isEqualTo(training.resourceConfig());
        assertThat(definition.stoppingCondition().maxRuntimeInSeconds()).isEqualTo(3600);
        assertThat(definition.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/SageMakerExecutionRole");
        assertThat(definition.enableNetworkIsolation()).isTrue();
        assertThat(request.tags())
                .extracting(t -> t.key())
                .contains("mlforge.io/namespace", "mlforge.io/name", "mlforge.io/uid");
    }

    @Test
    void warmStartNamesTheParentsSageMakerJobs() {
        TuningJob job = tuning("  warmStart: {parents: [first-search], type: TransferLearning}\n");
        var warm = CreateTuningJobMapping.request(job, List.of("first-search-1a2b3c"))
                .warmStartConfig();
        assertThat(warm.warmStartTypeAsString()).isEqualTo("TransferLearning");
        assertThat(warm.parentHyperParameterTuningJobs())
                .extracting(p -> p.hyperParameterTuningJobName())
                .containsExactly("first-search-1a2b3c");
    }
}
