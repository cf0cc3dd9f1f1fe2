package io.mlforge.sandbox.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mlforge.sandbox.Sandbox;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * SageMaker API calls the operator makes for N concurrent SageMaker TrainingJobs, counted by the emulator: calls
 * during their creation, per running job-hour while they all train (measured over a window), and while they are all
 * finished; and the status lag: how long after SageMaker reports a job Completed its TrainingJob says so. After the
 * window half the jobs are stopped through the spec (one StopTrainingJob each) and half finish on SageMaker at times
 * spread over a minute. The operator
 * runs with the production defaults (poll 10 s to 30 s, 20 calls/s per account and region). Prints "name: value"
 * lines and writes a JSON summary.
 *
 * <p>Run: {@code ./mvnw -Pbenchmark-sagemaker -DskipTests verify -Dbenchmark.jobs=1000}
 */
public final class SageMakerTrainingBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SageMakerTrainingBenchmark() {}

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int windowSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 120;
        Path repo = Path.of(args.length > 2 ? args[2] : ".").toAbsolutePath().normalize();
        Path out = repo.resolve("e2e-tests/sandbox/target/benchmark");
        Files.createDirectories(out);
        // Long enough that every job still trains at the end of the window (creation runs at the operator's rate
        // limit).
        int epochs = 7200;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("jobs", jobs);
        figures.put("window_seconds", windowSeconds);
        try (Sandbox sandbox =
                Sandbox.start(new Sandbox.Options(repo, out.resolve("sagemaker"), 4, 8, 1.0, 0, false))) {
            sandbox.operatorEnvironment().put("MLFORGE_SAGEMAKER_MIN_POLL_INTERVAL", "10s");
            sandbox.operatorEnvironment().put("MLFORGE_SAGEMAKER_MAX_POLL_INTERVAL", "30s");
            sandbox.startOperator();
            sandbox.sagemaker().setTrainingInstanceLimit(Integer.MAX_VALUE);
            KubernetesClient client = sandbox.client();
            SharedIndexInformer<GenericKubernetesResource> trainingJobs = client.genericKubernetesResources(
                            Sandbox.TRAINING_JOBS)
                    .inNamespace("default")
                    .inform();
            Map<String, Instant> seenCompleted = new ConcurrentHashMap<>();
            trainingJobs.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(GenericKubernetesResource job) {
                    onUpdate(null, job);
                }

                @Override
                public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource job) {
                    if (phase("Completed").test(job)) {
                        seenCompleted.putIfAbsent(job.getMetadata().getName(), Instant.now());
                    }
                }

                @Override
                public void onDelete(GenericKubernetesResource job, boolean unknown) {}
            });
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            for (int i = 0; i < jobs; i++) {
                String yaml = trainingJob(i, epochs);
                pool.submit(() -> client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                        .inNamespace("default")
                        .create());
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            waitFor(trainingJobs, jobs, "Running", start);
            figures.put("all_running_after_seconds", round(seconds(start)));
            Map<String, Long> startup = sandbox.sagemaker().requestCounts();
            figures.put("calls_until_all_running", startup);
            figures.put("calls_until_all_running_per_job", round(total(startup) / (double) jobs));

            long windowStart = System.nanoTime();
            Thread.sleep(windowSeconds * 1000L);
            double window = seconds(windowStart);
            Map<String, Long> during = diff(sandbox.sagemaker().requestCounts(), startup);
            boolean allStillRunning = trainingJobs.getStore().list().stream().allMatch(phase("Running"));
            figures.put("all_still_running_at_window_end", allStillRunning);
            figures.put("calls_in_window", during);
            figures.put("calls_per_running_job_hour", round(total(during) / (jobs * window / 3600.0)));

            // Half the jobs are stopped through the spec (one StopTrainingJob each); the other half finish training on
            // SageMaker at times spread over the next 60 s, and the status lag is measured on them.
            java.util.Random spread = new java.util.Random(1);
            for (GenericKubernetesResource job : trainingJobs.getStore().list()) {
                if (index(job) % 2 == 1) {
                    sandbox.sagemaker()
                            .finishTrainingAt(
                                    attemptName(trainingJobs, job.getMetadata().getName()),
                                    Instant.now().plusMillis(spread.nextInt(60_000)));
                    continue;
                }
                client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                        .inNamespace("default")
                        .withName(job.getMetadata().getName())
                        .edit(j -> {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> spec = (Map<String, Object>)
                                    j.getAdditionalProperties().get("spec");
                            spec.put("stop", true);
                            return j;
                        });
            }
            waitFor(trainingJobs, jobs / 2 + jobs % 2, "Stopped", System.nanoTime());
            waitFor(trainingJobs, jobs / 2, "Completed", System.nanoTime());
            figures.put(
                    "stop_calls",
                    diff(sandbox.sagemaker().requestCounts(), startup).getOrDefault("StopTrainingJob", 0L));
            // Status lag: from SageMaker's TrainingEndTime to the TrainingJob's phase Completed (seen by an informer).
            List<Double> lags = new ArrayList<>();
            seenCompleted.forEach((name, seen) -> sandbox.sagemaker()
                    .trainingJobEnd(attemptName(trainingJobs, name))
                    .ifPresent(end -> lags.add(Duration.between(end, seen).toMillis() / 1000.0)));
            Collections.sort(lags);
            figures.put("status_lag_jobs_measured", lags.size());
            figures.put("status_lag_p50_seconds", round(Bench.percentile(lags, 0.50)));
            figures.put("status_lag_p95_seconds", round(Bench.percentile(lags, 0.95)));
            figures.put("status_lag_max_seconds", round(lags.isEmpty() ? Double.NaN : lags.get(lags.size() - 1)));
            Thread.sleep(5000);
            Map<String, Long> finishedStart = sandbox.sagemaker().requestCounts();
            Thread.sleep(60_000);
            Map<String, Long> finished = diff(sandbox.sagemaker().requestCounts(), finishedStart);
            figures.put("calls_in_60s_with_all_jobs_finished", total(finished));
            trainingJobs.close();
        }
        System.out.println();
        figures.forEach((name, value) -> System.out.println(name + ": " + value));
        Path file = out.resolve("sagemaker-trainingjobs-" + jobs + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        System.out.println("summary: " + file);
        System.out.println();
        System.out.println(BenchmarkTable.renderSageMaker(out));
    }

    private static String trainingJob(int i, int epochs) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: sm-bench-%d}
                spec:
                  backend: SageMaker
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "%d"}
                  resources: {instanceType: ml.m5.xlarge, instanceCount: 1}
                  output: {uri: "s3://bucket/bench/"}
                  sagemaker: {roleArn: "arn:aws:iam::123456789012:role/SageMakerExecutionRole"}
                """.formatted(i, epochs);
    }

    private static int index(GenericKubernetesResource job) {
        String name = job.getMetadata().getName();
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    }

    /** The SageMaker job name of a TrainingJob's current attempt. */
    @SuppressWarnings("unchecked")
    private static String attemptName(SharedIndexInformer<GenericKubernetesResource> jobs, String name) {
        GenericKubernetesResource job = jobs.getStore().getByKey("default/" + name);
        Map<String, Object> status =
                (Map<String, Object>) job.getAdditionalProperties().get("status");
        return (String) ((Map<String, Object>) status.get("sagemaker")).get("trainingJobName");
    }

    private static Predicate<GenericKubernetesResource> phase(String phase) {
        return j -> j.getAdditionalProperties().get("status") instanceof Map<?, ?> s && phase.equals(s.get("phase"));
    }

    private static void waitFor(SharedIndexInformer<GenericKubernetesResource> jobs, int n, String phase, long start)
            throws InterruptedException {
        while (jobs.getStore().list().stream().filter(phase(phase)).count() < n) {
            if (seconds(start) > 1800) {
                throw new IllegalStateException("not all jobs " + phase + " after 30 minutes");
            }
            Thread.sleep(500);
        }
    }

    private static Map<String, Long> diff(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> result = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                result.put(k, d);
            }
        });
        return result;
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
