package io.mlforge.operator.training.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.Tag;

class SageMakerPreflightTest {
    private static CreateTrainingJobRequest.Builder request() {
        return CreateTrainingJobRequest.builder()
                .trainingJobName("job-1a2b3c-1")
                .hyperParameters(Map.of("epochs", "3"))
                .environment(Map.of("LOG_LEVEL", "info"))
                .tags(Tag.builder().key("team").value("ml-platform").build());
    }

    @Test
    void aWellShapedRequestInASageMakerRegionPasses() {
        assertThat(SageMakerPreflight.problems("us-east-1", request().build())).isEmpty();
        assertThat(SageMakerPreflight.problems("eu-central-1", request().build()))
                .isEmpty();
    }

    @Test
    void aRegionWithoutSageMakerIsNamed() {
        assertThat(SageMakerPreflight.problems("mars-north-1", request().build()))
                .containsExactly(
                        "region mars-north-1: SageMaker is not offered there (sagemaker.region, or the operator's default region)");
    }

    @Test
    void userTagsPlusTheOperatorsFourMayNotExceedFifty() {
        List<Tag> tags = IntStream.range(0, 51)
                .mapToObj(i -> Tag.builder().key("k" + i).value("v").build())
                .toList();
        assertThat(SageMakerPreflight.problems("us-east-1", request().tags(tags).build()))
                .containsExactly(
                        "sagemaker.tags: 47 tags plus the operator's 4 (mlforge.io/namespace, name, uid, attempt) exceed SageMaker's limit of 50 per job");
        assertThat(SageMakerPreflight.problems(
                        "us-east-1", request().tags(tags.subList(0, 50)).build()))
                .isEmpty();
    }

    @Test
    void tagTextHyperparameterNamesAndEnvironmentNamesFollowSageMakersPatterns() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("1BAD", "x");
        env.put("GOOD_NAME", "x");
        List<String> problems = SageMakerPreflight.problems(
                "us-east-1",
                request()
                        .tags(
                                Tag.builder().key("owner").value("a;b").build(),
                                Tag.builder().key("x".repeat(129)).value("v").build())
                        .hyperParameters(Map.of("h".repeat(257), "1"))
                        .environment(env)
                        .build());
        assertThat(problems)
                .containsExactly(
                        "sagemaker.tags[owner]: the value must be at most 256 letters, digits, spaces or _.:/=+-@",
                        "sagemaker.tags: key '" + "x".repeat(129)
                                + "' must be 1 to 128 letters, digits, spaces or _.:/=+-@",
                        "hyperParameters: name '" + "h".repeat(40) + "...' is longer than SageMaker's 256 characters",
                        "environment: name '1BAD' must match [a-zA-Z_][a-zA-Z0-9_]* (at most 512 characters) for SageMaker");
    }
}
