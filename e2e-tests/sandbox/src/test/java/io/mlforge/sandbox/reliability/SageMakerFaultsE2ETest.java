package io.mlforge.sandbox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mlforge.sagemaker.emulator.SageMakerEmulator;
import io.mlforge.sandbox.Sandbox;
import io.mlforge.sandbox.SandboxTrainingJobs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SageMaker misbehaving the way it does under load, all at once: 30 % of calls throttled, 5 % answered with HTTP 500,
 * every call 200 ms slow (the emulator's faults), and a burst of throttled creations at the start. N SageMaker TrainingJobs run through it: every one completes, its
 * Throttled condition is set when throttling reaches it and cleared once calls go through again, and the emulator's
 * request log shows exactly one training job created per attempt (a retried CreateTrainingJob whose first try did
 * reach SageMaker must not make a second job). CI runs {@code -Dreliability.sagemakerJobs} = 40; the full run is
 * 1,000.
 */
class SageMakerFaultsE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final int JOBS = Integer.getInteger("reliability.sagemakerJobs", 40);
    private static final SageMakerEmulator.Faults FAULTS =
            new SageMakerEmulator.Faults(0.30, 0.05, Duration.ofMillis(200));

    private static Sandbox sandbox;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(new Sandbox.Options(
                REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-sagemaker-faults"), 1, 1, 0.2, 0, true));
        sandbox.sagemaker().setTrainingInstanceLimit(Integer.MAX_VALUE);
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static Map<?, ?> condition(GenericKubernetesResource job, String type) {
        if (job.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                && status.get("conditions") instanceof List<?> conditions) {
            for (Object c : conditions) {
                if (c instanceof Map<?, ?> condition && type.equals(condition.get("type"))) {
                    return condition;
                }
            }
        }
        return Map.of();
    }

    private static String phase(GenericKubernetesResource job) {
        return job.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                ? String.valueOf(status.get("phase"))
                : "";
    }

    @Test
    void everyJobCompletesThroughThrottlingErrorsAndLatencyWithNoDuplicate() throws Exception {
        sandbox.sagemaker().setFaults(FAULTS);
        // and a burst on top, as when another client of the account takes the quota for a moment: the SDK's retries
        // (3 attempts) absorb the random throttling above nearly always, and Throttled only shows when they are
        // exhausted, which the first creations' are here
        sandbox.sagemaker().throttleNext("CreateTrainingJob", Math.min(3 * JOBS, 150));
        var client = sandbox.client();
        SharedIndexInformer<GenericKubernetesResource> jobs = client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                .inNamespace("default")
                .inform();
        Set<String> everThrottled = ConcurrentHashMap.newKeySet();
        jobs.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource job) {
                onUpdate(null, job);
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource job) {
                if ("True".equals(condition(job, "Throttled").get("status"))) {
                    everThrottled.add(job.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource job, boolean unknown) {}
        });
        Instant start = Instant.now();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < JOBS; i++) {
            String yaml = SandboxTrainingJobs.sageMaker("faulty-%04d".formatted(i), 1, 3);
            pool.submit(() -> client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                    .inNamespace("default")
                    .create());
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.MINUTES)).isTrue();

        Duration limit = Duration.ofMinutes(5).plusSeconds(JOBS);
        while (Duration.between(start, Instant.now()).compareTo(limit) < 0
                && jobs.getStore().list().stream()
                                .filter(j -> "Completed".equals(phase(j)))
                                .count()
                        < JOBS) {
            Thread.sleep(1000);
        }
        Duration allCompleted = Duration.between(start, Instant.now());
        sandbox.sagemaker().setFaults(SageMakerEmulator.Faults.NONE);
        List<GenericKubernetesResource> finished = jobs.getStore().list();
        jobs.close();

        Map<String, Long> phases = new TreeMap<>();
        finished.forEach(j -> phases.merge(phase(j), 1L, Long::sum));
        // a Throttled condition that is False now was True before: set and cleared (the informer may not see the True
        // write on its own when the next write follows within the same watch batch)
        List<String> throttledAndCleared = finished.stream()
                .filter(j -> "False".equals(condition(j, "Throttled").get("status")))
                .map(j -> j.getMetadata().getName())
                .toList();
        everThrottled.addAll(throttledAndCleared);
        List<String> stillThrottled = finished.stream()
                .filter(j -> "True".equals(condition(j, "Throttled").get("status")))
                .map(j -> j.getMetadata().getName())
                .toList();
        List<JsonNode> log = sandbox.sagemaker().requestLog();
        Map<String, Long> answers = new TreeMap<>();
        log.forEach(r -> answers.merge(
                r.path("status").asInt()
                        + (r.has("error") ? " " + r.path("error").asText() : ""),
                1L,
                Long::sum));
        SageMakerLedger ledger = new SageMakerLedger(sandbox.sagemaker());
        List<String> duplicates = ledger.duplicates();

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("jobs", JOBS);
        figures.put("throttle_rate", FAULTS.throttleRate());
        figures.put("error_rate", FAULTS.errorRate());
        figures.put("latency_ms", FAULTS.latency().toMillis());
        figures.put("all_completed_after_seconds", allCompleted.toMillis() / 1000.0);
        figures.put("phases", phases);
        figures.put("sagemaker_calls", log.size());
        figures.put("sagemaker_answers", answers);
        figures.put("training_jobs_created", ledger.created("CreateTrainingJob"));
        figures.put("jobs_that_showed_throttled", everThrottled.size());
        figures.put("jobs_throttled_then_cleared", throttledAndCleared.size());
        figures.put("jobs_still_throttled_at_end", stillThrottled.size());
        figures.put("duplicates", duplicates.size());
        Verdict.write(REPO, "sagemaker-faults-" + JOBS, figures);

        assertThat(phases).as("every job completed").containsExactly(Map.entry("Completed", (long) JOBS));
        assertThat(answers.keySet())
                .as("the faults happened")
                .anyMatch(a -> a.contains("ThrottlingException"))
                .anyMatch(a -> a.startsWith("500"));
        assertThat(everThrottled).as("Throttled was set on some job").isNotEmpty();
        assertThat(stillThrottled)
                .as("Throttled cleared once calls went through")
                .isEmpty();
        assertThat(duplicates).as("training jobs created twice").isEmpty();
        assertThat(ledger.created("CreateTrainingJob")).isEqualTo(JOBS);
    }
}
