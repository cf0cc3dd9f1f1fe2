package io.mlforge.operator.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.ModelSource;
import io.mlforge.api.v1alpha1.ModelSpec;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TuningJob;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelResolverTest {
    private static final String PIPELINE_ENDPOINT = """
            apiVersion: mlforge.io/v1alpha1
            kind: Endpoint
            metadata: {name: churn, namespace: ml}
            spec:
              backend: SageMaker
              model:
                pipeline:
                  - {name: features, image: "sklearn:1", fromTrainingJob: featurizer}
                  - {name: model, image: "xgboost:1", fromTuningJob: xgb-search}
                  - {name: postprocess, image: "post:1", dataUri: "s3://bucket/post/model.tar.gz"}
              variants:
                - {name: blue, instanceType: ml.m5.large, instanceCount: 1}
              sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
            """;

    private static TrainingJob trainingJob(String name, String phase, String artifacts) {
        return Serialization.unmarshal(
                """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: %s, namespace: ml}
                spec: {image: "trainer:1"}
                status: {phase: %s%s}
                """.formatted(name, phase, artifacts == null ? "" : ", modelArtifacts: \"" + artifacts + "\""),
                TrainingJob.class);
    }

    private static TuningJob search(String bestTrial) {
        return Serialization.unmarshal("""
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: xgb-search, namespace: ml, uid: 9}
                spec: {}
                status: {bestTrial: {name: %s}}
                """.formatted(bestTrial), TuningJob.class);
    }

    private static ModelResolver.Jobs jobs(Map<String, TrainingJob> trainingJobs, Map<String, TuningJob> tuningJobs) {
        return new ModelResolver.Jobs() {
            @Override
            public TrainingJob trainingJob(String name) {
                return trainingJobs.get(name);
            }

            @Override
            public TuningJob tuningJob(String name) {
                return tuningJobs.get(name);
            }
        };
    }

    @Test
    void everyPipelineContainerGetsTheArtifactsOfTheJobItNames() {
        Endpoint endpoint = Serialization.unmarshal(PIPELINE_ENDPOINT, Endpoint.class);
        var result = ModelResolver.resolve(
                jobs(
                        Map.of(
                                "featurizer",
                                        trainingJob("featurizer", "Completed", "s3://bucket/featurizer/model.tar.gz"),
                                "xgb-search-007",
                                        trainingJob("xgb-search-007", "Completed", "s3://bucket/xgb-7/model.tar.gz")),
                        Map.of("xgb-search", search("xgb-search-007"))),
                endpoint);

        assertThat(result.resolvedAll()).isTrue();
        ModelSpec served = result.models().get("blue");
        assertThat(served.pipeline)
                .extracting(c -> c.name, c -> c.image, c -> c.dataUri, c -> c.fromTrainingJob, c -> c.fromTuningJob)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "features", "sklearn:1", "s3://bucket/featurizer/model.tar.gz", null, null),
                        org.assertj.core.groups.Tuple.tuple(
                                "model", "xgboost:1", "s3://bucket/xgb-7/model.tar.gz", null, null),
                        org.assertj.core.groups.Tuple.tuple(
                                "postprocess", "post:1", "s3://bucket/post/model.tar.gz", null, null));
        assertThat(result.resolved())
                .extracting(r -> r.variant, r -> r.container, r -> r.source, r -> r.dataUri)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "blue", "features", "TrainingJob/featurizer", "s3://bucket/featurizer/model.tar.gz"),
                        org.assertj.core.groups.Tuple.tuple(
                                "blue",
                                "model",
                                "TuningJob/xgb-search (best trial xgb-search-007)",
                                "s3://bucket/xgb-7/model.tar.gz"));
        assertThat(endpoint.getSpec().model.pipeline.get(0).fromTrainingJob)
                .as("the spec is not changed")
                .isEqualTo("featurizer");
    }

    @Test
    void aPipelineWaitsForTheJobOfEachOfItsContainers() {
        Endpoint endpoint = Serialization.unmarshal(PIPELINE_ENDPOINT, Endpoint.class);
        var result = ModelResolver.resolve(
                jobs(
                        Map.of("featurizer", trainingJob("featurizer", "Running", null)),
                        Map.of("xgb-search", search("xgb-search-007"))),
                endpoint);

        assertThat(result.resolvedAll()).isFalse();
        assertThat(result.waitingReason()).isEqualTo("WaitingForTrainingJob");
        assertThat(result.waitingMessage())
                .isEqualTo("variant blue, pipeline container features: TrainingJob featurizer has not completed with"
                        + " model artifacts (phase Running)");

        var missingTrial = ModelResolver.resolve(
                jobs(
                        Map.of("featurizer", trainingJob("featurizer", "Completed", "s3://bucket/f/model.tar.gz")),
                        Map.of("xgb-search", search("xgb-search-007"))),
                endpoint);
        assertThat(missingTrial.waitingReason()).isEqualTo("TrainingJobNotFound");
        assertThat(missingTrial.waitingMessage())
                .isEqualTo("variant blue, pipeline container model: TrainingJob xgb-search-007 does not exist");
    }

    @Test
    void theJobsAnEndpointDependsOnIncludeThoseOfItsPipelineContainers() {
        Endpoint endpoint = Serialization.unmarshal(PIPELINE_ENDPOINT, Endpoint.class);
        assertThat(ModelResolver.sources(endpoint.getSpec()))
                .extracting((ModelSource s) -> s.fromTrainingJob, s -> s.fromTuningJob)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("featurizer", null),
                        org.assertj.core.groups.Tuple.tuple(null, "xgb-search"));
    }
}
