package io.mlforge.operator.tuning.sagemaker;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.mlforge.api.v1alpha1.ParameterScaling;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningJobSpec;
import io.mlforge.api.v1alpha1.TuningObjective;
import io.mlforge.api.v1alpha1.TuningParameter;
import io.mlforge.api.v1alpha1.TuningStrategy;
import io.mlforge.api.v1alpha1.WarmStartConfig;
import io.mlforge.operator.aws.CreateTrainingJobMapping;
import io.mlforge.operator.core.ResourceNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sagemaker.model.BestObjectiveNotImproving;
import software.amazon.awssdk.services.sagemaker.model.CategoricalParameterRange;
import software.amazon.awssdk.services.sagemaker.model.ContinuousParameterRange;
import software.amazon.awssdk.services.sagemaker.model.ConvergenceDetected;
import software.amazon.awssdk.services.sagemaker.model.CreateHyperParameterTuningJobRequest;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterAlgorithmSpecification;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterTrainingJobDefinition;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterTuningJobConfig;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterTuningJobObjective;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterTuningJobStrategyConfig;
import software.amazon.awssdk.services.sagemaker.model.HyperParameterTuningJobWarmStartConfig;
import software.amazon.awssdk.services.sagemaker.model.HyperbandStrategyConfig;
import software.amazon.awssdk.services.sagemaker.model.IntegerParameterRange;
import software.amazon.awssdk.services.sagemaker.model.ParameterRanges;
import software.amazon.awssdk.services.sagemaker.model.ParentHyperParameterTuningJob;
import software.amazon.awssdk.services.sagemaker.model.ResourceLimits;
import software.amazon.awssdk.services.sagemaker.model.Tag;
import software.amazon.awssdk.services.sagemaker.model.TuningJobCompletionCriteria;

/**
 * TuningJob (backend SageMaker) → CreateHyperParameterTuningJob, in one place. The training job definition comes from
 * {@link CreateTrainingJobMapping} applied to the template (no second copy of that mapping): its request is
 * converted field by field, its hyperparameters becoming the static ones.
 */
public final class CreateTuningJobMapping {
    static final int MAX_NAME = 32;

    private CreateTuningJobMapping() {}

    /** {@code <name>-<uid hash>}, within SageMaker's 32 characters: re-applying or restarting never creates a second job. */
    public static String tuningJobName(String name, String uid) {
        String suffix = "-" + ResourceNames.shortHash(uid);
        return ResourceNames.truncatedLabel(name, MAX_NAME - suffix.length()) + suffix;
    }

    /** @param parents SageMaker tuning job names of the warm-start parents (from their status) */
    public static CreateHyperParameterTuningJobRequest request(TuningJob tuning, List<String> parents) {
        TuningJobSpec spec = tuning.getSpec();
        String name = tuningJobName(
                tuning.getMetadata().getName(), tuning.getMetadata().getUid());
        HyperParameterTuningJobConfig.Builder config = HyperParameterTuningJobConfig.builder()
                .strategy(strategy(spec.strategy))
                .hyperParameterTuningJobObjective(HyperParameterTuningJobObjective.builder()
                        .metricName(spec.objective.metricName)
                        .type(spec.objective.type == TuningObjective.Direction.Maximize ? "Maximize" : "Minimize")
                        .build())
                .resourceLimits(ResourceLimits.builder()
                        .maxNumberOfTrainingJobs(spec.maxTrials)
                        .maxParallelTrainingJobs(spec.maxParallelTrials == null ? 1 : spec.maxParallelTrials)
                        .maxRuntimeInSeconds(spec.maxRuntimeSeconds)
                        .build())
                .parameterRanges(ranges(spec.parameters))
                .randomSeed(spec.randomSeed);
        if (spec.strategy != TuningStrategy.Hyperband) {
            config.trainingJobEarlyStoppingType(
                    spec.earlyStopping == TuningJobSpec.EarlyStopping.Auto ? "Auto" : "Off");
        } else {
            config.strategyConfig(HyperParameterTuningJobStrategyConfig.builder()
                    .hyperbandStrategyConfig(HyperbandStrategyConfig.builder()
                            .minResource(spec.hyperband.minResource == null ? 1 : spec.hyperband.minResource)
                            .maxResource(spec.hyperband.maxResource)
                            .build())
                    .build());
        }
        if (spec.completionCriteria != null) {
            var c = spec.completionCriteria;
            config.tuningJobCompletionCriteria(TuningJobCompletionCriteria.builder()
                    .targetObjectiveMetricValue(
                            c.targetObjectiveValue == null ? null : c.targetObjectiveValue.floatValue())
                    .bestObjectiveNotImproving(
                            c.maxTrialsWithoutImprovement == null
                                    ? null
                                    : BestObjectiveNotImproving.builder()
                                            .maxNumberOfTrainingJobsNotImproving(c.maxTrialsWithoutImprovement)
                                            .build())
                    .convergenceDetected(
                            c.stopOnConvergence == null
                                    ? null
                                    : ConvergenceDetected.builder()
                                            .completeOnConvergence(c.stopOnConvergence ? "Enabled" : "Disabled")
                                            .build())
                    .build());
        }
        CreateHyperParameterTuningJobRequest.Builder request = CreateHyperParameterTuningJobRequest.builder()
                .hyperParameterTuningJobName(name)
                .hyperParameterTuningJobConfig(config.build())
                .trainingJobDefinition(definition(tuning))
                .tags(tags(tuning));
        if (spec.warmStart != null && !parents.isEmpty()) {
            request.warmStartConfig(HyperParameterTuningJobWarmStartConfig.builder()
                    .parentHyperParameterTuningJobs(parents.stream()
                            .map(p -> ParentHyperParameterTuningJob.builder()
                                    .hyperParameterTuningJobName(p)
                                    .build())
                            .toList())
                    .warmStartType(
                            spec.warmStart.type == WarmStartConfig.Type.TransferLearning
                                    ? "TransferLearning"
                                    : "IdenticalDataAndAlgorithm")
                    .build());
        }
        return request.build();
    }

    static String strategy(TuningStrategy strategy) {
        return strategy == null ? "Bayesian" : strategy.name();
    }

    static ParameterRanges ranges(List<TuningParameter> parameters) {
        List<IntegerParameterRange> integers = new ArrayList<>();
        List<ContinuousParameterRange> continuous = new ArrayList<>();
        List<CategoricalParameterRange> categorical = new ArrayList<>();
        for (TuningParameter p : parameters) {
            String scaling = p.scaling == null ? ParameterScaling.Auto.name() : p.scaling.name();
            switch (p.type) {
                case Integer ->
                    integers.add(IntegerParameterRange.builder()
                            .name(p.name)
                            .minValue(Long.toString(p.min.longValue()))
                            .maxValue(Long.toString(p.max.longValue()))
                            .scalingType(scaling)
                            .build());
                case Continuous ->
                    continuous.add(ContinuousParameterRange.builder()
                            .name(p.name)
                            .minValue(number(p.min))
                            .maxValue(number(p.max))
                            .scalingType(scaling)
                            .build());
                default ->
                    categorical.add(CategoricalParameterRange.builder()
                            .name(p.name)
                            .values(p.values)
                            .build());
            }
        }
        return ParameterRanges.builder()
                .integerParameterRanges(integers)
                .continuousParameterRanges(continuous)
                .categoricalParameterRanges(categorical)
                .build();
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** The template as a training job definition: the TrainingJob mapping's request, converted. */
    static HyperParameterTrainingJobDefinition definition(TuningJob tuning) {
        TrainingJobSpec template = tuning.getSpec().trainingJobTemplate.spec;
        TrainingJob asTrainingJob = new TrainingJob();
        asTrainingJob.setMetadata(new ObjectMetaBuilder()
                .withName(tuning.getMetadata().getName())
                .withNamespace(tuning.getMetadata().getNamespace())
                .withUid(tuning.getMetadata().getUid())
                .build());
        asTrainingJob.setSpec(template);
        CreateTrainingJobRequest r = CreateTrainingJobMapping.request(asTrainingJob, "definition", 1);
        return HyperParameterTrainingJobDefinition.builder()
                .algorithmSpecification(HyperParameterAlgorithmSpecification.builder()
                        .trainingImage(r.algorithmSpecification().trainingImage())
                        .algorithmName(r.algorithmSpecification().algorithmName())
                        .trainingInputMode(r.algorithmSpecification().trainingInputModeAsString())
                        .metricDefinitions(r.algorithmSpecification().metricDefinitions())
                        .build())
                .roleArn(r.roleArn())
                .staticHyperParameters(r.hasHyperParameters() ? r.hyperParameters() : null)
                .inputDataConfig(r.hasInputDataConfig() ? r.inputDataConfig() : null)
                .outputDataConfig(r.outputDataConfig())
                .resourceConfig(r.resourceConfig())
                .stoppingCondition(r.stoppingCondition())
                .vpcConfig(r.vpcConfig())
                .enableNetworkIsolation(r.enableNetworkIsolation())
                .enableInterContainerTrafficEncryption(r.enableInterContainerTrafficEncryption())
                .enableManagedSpotTraining(r.enableManagedSpotTraining())
                .checkpointConfig(r.checkpointConfig())
                .retryStrategy(r.retryStrategy())
                .environment(r.hasEnvironment() ? r.environment() : null)
                .build();
    }

    static List<Tag> tags(TuningJob tuning) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (tuning.getSpec().sagemaker != null && tuning.getSpec().sagemaker.tags != null) {
            tags.putAll(tuning.getSpec().sagemaker.tags);
        }
        tags.put(CreateTrainingJobMapping.TAG_NAMESPACE, tuning.getMetadata().getNamespace());
        tags.put(CreateTrainingJobMapping.TAG_NAME, tuning.getMetadata().getName());
        tags.put(CreateTrainingJobMapping.TAG_UID, tuning.getMetadata().getUid());
        return tags.entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
    }
}
