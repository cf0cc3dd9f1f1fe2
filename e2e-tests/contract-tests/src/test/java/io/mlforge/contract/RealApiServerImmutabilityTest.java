package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.controlplane.Kubectl;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every immutability rule on the real API server, through {@code kubectl patch} as a user (or a GitOps tool) would
 * change a live object: adding the guarded field, changing it and removing it are each rejected with the rule's
 * message; a change to a mutable field next to it is accepted.
 */
class RealApiServerImmutabilityTest {
    private static final String NAMESPACE = "immutability";

    /** kind, base spec (JSON), guarded field, a value, another value, expected message fragment. */
    static Stream<Arguments> guardedFields() {
        String training = "{\"image\":\"registry.example/train:1\"}";
        String sagemakerTuning = """
                {"backend":"SageMaker","strategy":"Random","maxTrials":4,"objective":{"metricName":"loss","type":"Minimize"},
                 "parameters":[{"name":"lr","type":"Continuous","min":0.001,"max":0.1}],
                 "trainingJobTemplate":{"spec":{"backend":"SageMaker","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/t:1",
                   "resources":{"instanceType":"ml.m5.xlarge"},"output":{"uri":"s3://bucket-a/out/"},
                   "sagemaker":{"roleArn":"arn:aws:iam::123456789012:role/sm"},
                   "metrics":[{"name":"loss","regex":"loss=([0-9.]+)"}]}}}""";
        String endpoint = """
                {"backend":"SageMaker","model":{"image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1","dataUri":"s3://bucket-a/m.tar.gz"},
                 "variants":[{"name":"a","instanceType":"ml.m5.large"}],"sagemaker":{"roleArn":"arn:aws:iam::123456789012:role/sm"}}""";
        return Stream.of(
                Arguments.of(
                        "TrainingJob",
                        training,
                        "command",
                        "[\"python\",\"a.py\"]",
                        "[\"python\",\"b.py\"]",
                        "command and args are immutable"),
                Arguments.of(
                        "TrainingJob", training, "args", "[\"--a\"]", "[\"--b\"]", "command and args are immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "environment",
                        "{\"A\":\"1\"}",
                        "{\"A\":\"2\"}",
                        "environment is immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "hyperParameters",
                        "{\"lr\":\"0.1\"}",
                        "{\"lr\":\"0.2\"}",
                        "hyperParameters are immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "inputs",
                        "[{\"name\":\"train\",\"uri\":\"s3://bucket-a/a/\"}]",
                        "[{\"name\":\"train\",\"uri\":\"s3://bucket-a/b/\"}]",
                        "inputMode and inputs are immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "output",
                        "{\"uri\":\"s3://bucket-a/out/\"}",
                        "{\"uri\":\"s3://bucket-a/out2/\"}",
                        "output and checkpoints are immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "checkpoints",
                        "{\"uri\":\"s3://bucket-a/ck/\"}",
                        "{\"uri\":\"s3://bucket-a/ck2/\"}",
                        "output and checkpoints are immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "resources",
                        "{\"instanceCount\":1}",
                        "{\"instanceCount\":2}",
                        "resources and spot are immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "spot",
                        "{\"enabled\":false}",
                        "{\"enabled\":false,\"maxWaitSeconds\":90000}",
                        "resources and spot are immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "stopping",
                        "{\"maxRuntimeSeconds\":3600}",
                        "{\"maxRuntimeSeconds\":7200}",
                        "stopping and retry are immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "retry",
                        "{\"maxAttempts\":2}",
                        "{\"maxAttempts\":3}",
                        "stopping and retry are immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "metrics",
                        "[{\"name\":\"loss\",\"regex\":\"loss=([0-9.]+)\"}]",
                        "[{\"name\":\"loss\",\"regex\":\"l=([0-9.]+)\"}]",
                        "metrics are immutable"),
                Arguments.of(
                        "TrainingJob",
                        training,
                        "kubernetes",
                        "{\"priorityClassName\":\"a\"}",
                        "{\"priorityClassName\":\"b\"}",
                        "sagemaker and kubernetes settings are immutable"),
                Arguments.of(
                        "TuningJob",
                        sagemakerTuning,
                        "randomSeed",
                        "1",
                        "2",
                        "strategy settings, randomSeed, warmStart and earlyStopping are immutable"),
                Arguments.of(
                        "TuningJob",
                        sagemakerTuning,
                        "maxParallelTrials",
                        "2",
                        "3",
                        "a SageMaker tuning job cannot be changed after creation"),
                Arguments.of(
                        "TuningJob",
                        sagemakerTuning,
                        "maxRuntimeSeconds",
                        "3600",
                        "7200",
                        "a SageMaker tuning job cannot be changed after creation"),
                Arguments.of(
                        "Endpoint",
                        endpoint,
                        "sagemaker/region",
                        "\"us-east-1\"",
                        "\"us-west-2\"",
                        "sagemaker.region and sagemaker.endpointName are immutable"),
                Arguments.of(
                        "Endpoint",
                        endpoint,
                        "sagemaker/endpointName",
                        "\"ep-a\"",
                        "\"ep-b\"",
                        "sagemaker.region and sagemaker.endpointName are immutable"));
    }

    @ParameterizedTest(name = "{0}.spec.{2}")
    @MethodSource("guardedFields")
    void addingChangingAndRemovingTheFieldAreRejected(
            String kind, String baseSpec, String field, String value, String other, String message) {
        SharedControlPlane.createNamespace(NAMESPACE);
        String base = (kind + "-" + field).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        String path = "/spec/" + field;

        create(kind, base + "-add", baseSpec);
        assertRejected(kind, base + "-add", "add", path, value, message);

        create(kind, base + "-set", withField(baseSpec, field, value));
        assertRejected(kind, base + "-set", "replace", path, other, message);
        assertRejected(kind, base + "-set", "remove", path, null, message);

        // the object itself stays mutable where the API says so
        Kubectl.Result labelled = SharedControlPlane.kubectl(
                "label", kind.toLowerCase(Locale.ROOT) + ".mlforge.io", base + "-set", "-n", NAMESPACE, "team=ml");
        assertThat(labelled.ok()).as(labelled.toString()).isTrue();
    }

    private static String withField(String spec, String field, String value) {
        String[] parts = field.split("/");
        if (parts.length == 1) {
            return spec.substring(0, spec.lastIndexOf('}')) + ",\"" + field + "\":" + value + "}";
        }
        // nested under an object the base already has (sagemaker)
        String marker = "\"" + parts[0] + "\":{";
        return spec.replace(marker, marker + "\"" + parts[1] + "\":" + value + ",");
    }

    private static void create(String kind, String name, String spec) {
        String manifest = "{\"apiVersion\":\"mlforge.io/v1alpha1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\""
                + name + "\"},\"spec\":" + spec + "}";
        Kubectl.Result created = SharedControlPlane.kubectlWithInput(manifest, "apply", "-n", NAMESPACE, "-f", "-");
        assertThat(created.ok()).as("creating %s %s:\n%s", kind, name, created).isTrue();
    }

    private static void assertRejected(String kind, String name, String op, String path, String value, String message) {
        String patch = "[{\"op\":\"" + op + "\",\"path\":\"" + path + "\""
                + (value == null ? "" : ",\"value\":" + value) + "}]";
        Kubectl.Result result = SharedControlPlane.kubectl(
                "patch",
                kind.toLowerCase(Locale.ROOT) + ".mlforge.io",
                name,
                "-n",
                NAMESPACE,
                "--type=json",
                "-p",
                patch);
        assertThat(result.ok())
                .as("%s %s of %s on %s must be rejected:\n%s", op, path, String.valueOf(value), name, result)
                .isFalse();
        assertThat(result.err()).as("%s %s", op, path).contains(message);
    }
}
