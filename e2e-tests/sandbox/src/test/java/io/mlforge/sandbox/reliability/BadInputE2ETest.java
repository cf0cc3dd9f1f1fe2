package io.mlforge.sandbox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlforge.controlplane.Kubectl;
import io.mlforge.sandbox.Sandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input, generated: every runnable sample mutated by {@link ManifestMutator} (seeded) and applied with {@code
 * kubectl create} to the real API server while the operator runs. Each must be rejected with a message, or accepted and
 * end in a status whose Ready condition says why (reason and message); the operator must never exit or fail its
 * liveness probe, and once the accepted ones are deleted its reconcile rate must fall back (no hot loop).
 * {@code -Dreliability.inputs=N} (CI: 40) and {@code -Dreliability.seed} choose how many and which.
 */
class BadInputE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final int INPUTS = Integer.getInteger("reliability.inputs", 40);
    private static final long SEED = Long.getLong("reliability.seed", 14);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration CLEAR_STATUS_WITHIN = Duration.ofSeconds(30);

    private static Sandbox sandbox;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(
                new Sandbox.Options(REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-bad-input"), 4, 4, 0.2, 0, true));
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static ResourceDefinitionContext context(String kind) {
        return switch (kind) {
            case "TrainingJob" -> Sandbox.TRAINING_JOBS;
            case "TuningJob" -> Sandbox.TUNING_JOBS;
            default -> Sandbox.ENDPOINTS;
        };
    }

    private static String plural(String kind) {
        return switch (kind) {
            case "TrainingJob" -> "trainingjobs.mlforge.io";
            case "TuningJob" -> "tuningjobs.mlforge.io";
            default -> "endpoints.mlforge.io";
        };
    }

    /** Reconciles started so far, all controllers (the operator's Prometheus endpoint). */
    private static double reconciles() throws Exception {
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(sandbox.operator().url("/q/metrics")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return metrics.lines()
                .filter(l -> l.startsWith("operator_sdk_reconciliations_started_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Null when the resource's status has a Ready condition with a reason and a message; otherwise what it has. */
    @SuppressWarnings("unchecked")
    private static String unclear(String kind, String name) {
        GenericKubernetesResource resource = sandbox.client()
                .genericKubernetesResources(context(kind))
                .inNamespace("default")
                .withName(name)
                .get();
        if (resource == null) {
            return "gone";
        }
        Object status = resource.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> conditions)) {
            return "no conditions";
        }
        for (Object c : conditions) {
            Map<String, Object> condition = (Map<String, Object>) c;
            if ("Ready".equals(condition.get("type"))) {
                return condition.get("reason") instanceof String r
                                && !r.isBlank()
                                && condition.get("message") instanceof String m
                                && !m.isBlank()
                        ? null
                        : "Ready without reason or message: " + condition;
            }
        }
        return "no Ready condition";
    }

    @Test
    @SuppressWarnings("unchecked")
    void mutatedSamplesAreRejectedWithAMessageOrEndInAClearConditionAndTheOperatorStaysUp() throws Exception {
        List<Path> samples;
        try (Stream<Path> files = Files.list(REPO.resolve("config/samples"))) {
            samples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        Kubectl kubectl = new Kubectl(
                sandbox.controlPlane().kubectl(), sandbox.controlPlane().adminKubeconfig());
        ManifestMutator mutator = new ManifestMutator(SEED);
        long operatorPid = sandbox.operator().pid();
        double reconcilesBefore = reconciles();
        Instant start = Instant.now();
        int rejected = 0;
        int accepted = 0;
        List<String> problems = new ArrayList<>();
        Map<String, String> acceptedKinds = new LinkedHashMap<>();
        for (int i = 0; i < INPUTS; i++) {
            Path sample = samples.get(mutator.random().nextInt(samples.size()));
            Map<String, Object> manifest = YAML.readValue(sample.toFile(), new TypeReference<>() {});
            String kind = (String) manifest.get("kind");
            String name = "fuzz-" + i;
            ((Map<String, Object>) manifest.get("metadata")).put("name", name);
            List<String> mutations = mutator.mutate(manifest);
            Kubectl.Result result =
                    kubectl.runWithInput(YAML.writeValueAsString(manifest), "create", "-n", "default", "-f", "-");
            String what = sample.getFileName() + " " + mutations;
            System.out.printf("input %d (%s): %s%n", i, what, result.ok() ? "accepted" : "rejected");
            if (!result.ok()) {
                rejected++;
                String message = result.err().strip();
                if (message.isEmpty() || message.contains("Internal error") || message.contains("InternalError")) {
                    problems.add(what + ": rejected without a clear message: " + message);
                }
                continue;
            }
            accepted++;
            acceptedKinds.put(name, kind);
        }
        // every accepted one must say where it stands
        for (Map.Entry<String, String> entry : acceptedKinds.entrySet()) {
            Instant deadline = Instant.now().plus(CLEAR_STATUS_WITHIN);
            String state = unclear(entry.getValue(), entry.getKey());
            while (state != null && Instant.now().isBefore(deadline)) {
                Thread.sleep(500);
                state = unclear(entry.getValue(), entry.getKey());
            }
            if (state != null) {
                problems.add(entry.getValue() + " " + entry.getKey() + " accepted but unclear: " + state);
            }
        }
        double during = (reconciles() - reconcilesBefore)
                / Math.max(1, Duration.between(start, Instant.now()).toSeconds());
        for (Map.Entry<String, String> entry : acceptedKinds.entrySet()) {
            kubectl.run("delete", plural(entry.getValue()), entry.getKey(), "-n", "default", "--wait=false");
        }
        org.awaitility.Awaitility.await("the accepted inputs deleted")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> acceptedKinds.entrySet().stream()
                        .allMatch(e -> sandbox.client()
                                        .genericKubernetesResources(context(e.getValue()))
                                        .inNamespace("default")
                                        .withName(e.getKey())
                                        .get()
                                == null));
        double idleStart = reconciles();
        Thread.sleep(20_000); // the window the idle reconcile rate is measured over
        double idleRate = (reconciles() - idleStart) / 20.0;

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("seed", SEED);
        figures.put("inputs_tried", INPUTS);
        figures.put("rejected", rejected);
        figures.put("accepted", accepted);
        figures.put("problems", problems.size());
        figures.put("reconciles_per_second_during", Math.round(during * 100) / 100.0);
        figures.put("reconciles_per_second_idle_after", Math.round(idleRate * 100) / 100.0);
        figures.put("operator_liveness_restarts", sandbox.livenessRestarts());
        Path json = REPO.resolve("e2e-tests/sandbox/target/reliability/bad-input-" + INPUTS + ".json");
        Files.createDirectories(json.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), figures);
        figures.forEach((k, v) -> System.out.println("reliability " + k + ": " + v));

        assertThat(problems).isEmpty();
        assertThat(rejected).as("some mutations are rejected").isPositive();
        assertThat(accepted).as("some mutations are accepted").isPositive();
        assertThat(sandbox.operator().pid()).as("the operator never exited").isEqualTo(operatorPid);
        assertThat(sandbox.livenessRestarts()).isZero();
        assertThat(idleRate)
                .as("reconciles per second once the bad input is gone (no hot loop)")
                .isLessThan(2.0);
    }
}
