package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What the samples in config/samples say, as the real API server stores them (defaults applied); that every sample is
 * accepted by kubectl apply is {@link RealApiServerManifestsTest}'s.
 */
class SamplesTest {
    private static final String NAMESPACE = "samples-as-stored";

    static List<Path> samples() {
        return Repo.yamlFiles(Repo.root().resolve("config/samples"));
    }

    @Test
    void theSamplesTheReadmePromisesExist() {
        Map<String, String> kindByFile = samples().stream()
                .collect(Collectors.toMap(
                        p -> p.getFileName().toString(),
                        p -> Repo.readYaml(Repo.read(p)).get(0).path("kind").asText()));
        assertThat(kindByFile)
                .containsEntry("trainingjob-single-gpu.yaml", "TrainingJob")
                .containsEntry("trainingjob-distributed.yaml", "TrainingJob")
                .containsEntry("trainingjob-sagemaker-xgboost.yaml", "TrainingJob")
                .containsEntry("trainingjob-sagemaker-spot.yaml", "TrainingJob")
                .containsEntry("tuningjob-bayesian.yaml", "TuningJob")
                .containsEntry("tuningjob-hyperband.yaml", "TuningJob")
                .containsEntry("tuningjob-grid.yaml", "TuningJob")
                .containsEntry("endpoint-weighted-variants.yaml", "Endpoint")
                .containsEntry("endpoint-sagemaker-realtime.yaml", "Endpoint")
                .containsEntry("endpoint-sagemaker-serverless.yaml", "Endpoint")
                .containsEntry("endpoint-sagemaker-async.yaml", "Endpoint")
                .containsEntry("endpoint-from-trainingjob.yaml", "Endpoint");
    }

    /** The sample as the API server stored it (applied on first use). */
    private static JsonNode admitted(String file) {
        SharedControlPlane.createNamespace(NAMESPACE);
        String path = Repo.root().resolve("config/samples").resolve(file).toString();
        io.mlforge.controlplane.Kubectl.Result applied =
                SharedControlPlane.kubectl("apply", "-n", NAMESPACE, "-f", path);
        assertThat(applied.ok()).as(applied.toString()).isTrue();
        io.mlforge.controlplane.Kubectl.Result stored =
                SharedControlPlane.kubectl("get", "-n", NAMESPACE, "-f", path, "-o", "json");
        assertThat(stored.ok()).as(stored.toString()).isTrue();
        return Repo.readYaml(stored.out()).get(0);
    }

    @Test
    void xgboostSampleIsTheSeedsJob() {
        JsonNode spec = admitted("trainingjob-sagemaker-xgboost.yaml").path("spec");
        assertThat(spec.path("backend").asText()).isEqualTo("SageMaker");
        assertThat(spec.at("/resources/instanceType").asText()).isEqualTo("ml.m4.xlarge");
        assertThat(spec.at("/resources/instanceCount").asInt()).isEqualTo(1);
        assertThat(spec.at("/resources/volumeSizeGB").asInt()).isEqualTo(1);
        assertThat(spec.at("/stopping/maxRuntimeSeconds").asInt()).isEqualTo(3600);
        assertThat(Repo.YAML.convertValue(spec.path("hyperParameters"), Map.class))
                .isEqualTo(Map.of(
                        "num_round", "10", "objective", "multi:softmax", "num_class", "4", "eval_metric", "mlogloss"));
        assertThat(spec.path("inputs")).hasSize(2);
        for (JsonNode channel : spec.path("inputs")) {
            assertThat(channel.path("contentType").asText()).isEqualTo("text/csv");
            assertThat(channel.path("s3DataType").asText()).isEqualTo("S3Prefix");
            assertThat(channel.path("distribution").asText()).isEqualTo("FullyReplicated");
        }
        assertThat(spec.path("inputs").findValuesAsText("name")).containsExactly("train", "validation");
    }

    @Test
    void variantsAndServerlessSamplesMatchTheirPurpose() {
        JsonNode weighted = admitted("endpoint-weighted-variants.yaml").path("spec");
        assertThat(weighted.path("backend").asText()).isEqualTo("Kubernetes");
        assertThat(weighted.path("variants")).hasSize(2);
        JsonNode serverless = admitted("endpoint-sagemaker-serverless.yaml").at("/spec/variants/0/serverless");
        assertThat(serverless.path("memorySizeMB").asInt()).isEqualTo(5120);
        assertThat(serverless.path("maxConcurrency").asInt()).isEqualTo(5);
        assertThat(admitted("endpoint-sagemaker-async.yaml")
                        .at("/spec/async/outputUri")
                        .asText())
                .startsWith("s3://");
        assertThat(admitted("endpoint-from-trainingjob.yaml")
                        .at("/spec/model/fromTrainingJob")
                        .asText())
                .isEqualTo("resnet-finetune");
        assertThat(admitted("trainingjob-distributed.yaml")
                        .at("/spec/resources/instanceCount")
                        .asInt())
                .isEqualTo(2);
        assertThat(admitted("trainingjob-sagemaker-spot.yaml")
                        .at("/spec/spot/enabled")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void defaultsAreAppliedAsTheApiServerWould() {
        JsonNode spec = admitted("trainingjob-single-gpu.yaml").path("spec");
        assertThat(spec.path("inputMode").asText()).isEqualTo("File");
        assertThat(spec.at("/inputs/0/distribution").asText()).isEqualTo("FullyReplicated");
        assertThat(spec.at("/checkpoints/localPath").asText()).isEqualTo("/opt/ml/checkpoints");
        assertThat(spec.at("/kubernetes/rendezvousPort").asInt()).isEqualTo(29500);
        assertThat(admitted("tuningjob-grid.yaml").at("/spec/backend").asText()).isEqualTo("Kubernetes");
        assertThat(admitted("tuningjob-grid.yaml")
                        .at("/spec/trainingJobTemplate/spec/backend")
                        .asText())
                .isEqualTo("Kubernetes");
    }
}
