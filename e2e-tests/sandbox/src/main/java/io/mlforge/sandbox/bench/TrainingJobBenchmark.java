package io.mlforge.sandbox.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.sandbox.Sandbox;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * N TrainingJobs applied at once (1 GPU, 5 simulated epochs each) against the packaged operator in the sandbox:
 * time until all their pods exist and until all jobs finished, the operator's peak RSS and CPU time, and API
 * requests per job. The floor is measured in the same run: the same number of equivalent pods created directly by
 * a client on an identical simulated cluster. Prints "name: value unit" lines and writes a JSON summary.
 *
 * <p>Run: {@code ./mvnw -Pbenchmark -pl e2e-tests/sandbox -am verify -DskipTests -Dbenchmark.jobs=1000}
 */
public final class TrainingJobBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HPS = "{\"epochs\":\"5\"}";

    private TrainingJobBenchmark() {}

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        double speed = args.length > 1 ? Double.parseDouble(args[1]) : 0.2;
        Path repo = Path.of(args.length > 2 ? args[2] : ".").toAbsolutePath().normalize();
        Path out = repo.resolve("e2e-tests/sandbox/target/benchmark");
        Files.createDirectories(out);
        int nodes = Math.max(4, (jobs + 7) / 8);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("jobs", jobs);
        figures.put("nodes", nodes);
        figures.put("speed", speed);
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        floor(repo, out, jobs, nodes, speed, figures);
        withOperator(repo, out, jobs, nodes, speed, figures);
        double floorExist = (double) figures.get("floor_pods_exist_seconds");
        double floorFinished = (double) figures.get("floor_all_finished_seconds");
        double exist = (double) figures.get("operator_pods_exist_seconds");
        double finished = (double) figures.get("operator_all_finished_seconds");
        figures.put("pods_exist_ratio", round(exist / floorExist));
        figures.put("all_finished_ratio", round(finished / floorFinished));
        figures.put("floor_creation_rate_per_second", round(jobs / floorExist));
        figures.put("operator_creation_rate_per_second", round(jobs / exist));

        System.out.println();
        figures.forEach((name, value) -> {
            if (!(value instanceof Map)) {
                System.out.println(name + ": " + value + unit(name));
            }
        });
        ObjectNode summary = JSON.valueToTree(figures);
        Path file = out.resolve("trainingjobs-" + jobs + ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        System.out.println("summary: " + file);
        System.out.println();
        System.out.println(BenchmarkTable.render(out));
    }

    private static void floor(Path repo, Path out, int jobs, int nodes, double speed, Map<String, Object> figures)
            throws Exception {
        try (Sandbox sandbox =
                Sandbox.start(new Sandbox.Options(repo, out.resolve("floor"), nodes, 8, speed, 0, false))) {
            KubernetesClient client = sandbox.client();
            // Counted from a watch (an informer), not by listing everything again and again.
            var pods = client.pods()
                    .inNamespace("default")
                    .withLabel("bench", "floor")
                    .inform();
            long start = System.nanoTime();
            parallel(
                    jobs,
                    i -> client.pods()
                            .inNamespace("default")
                            .resource(floorPod(i))
                            .create());
            double created = seconds(start);
            double exist = waitFor(start, () -> pods.getStore().list().size() == jobs);
            progress("floor: all pods exist", exist);
            double finished = waitFor(
                    start,
                    () -> pods.getStore().list().stream()
                                    .filter(p -> p.getStatus() != null
                                            && "Succeeded".equals(p.getStatus().getPhase()))
                                    .count()
                            == jobs);
            pods.close();
            progress("floor: all finished", finished);
            figures.put("floor_create_calls_seconds", round(created));
            figures.put("floor_pods_exist_seconds", round(exist));
            figures.put("floor_all_finished_seconds", round(finished));
            figures.put("floor_load_average_1m", loadAverage());
            // What the API server alone takes to accept N TrainingJobs (schema, CEL, etcd), no operator running:
            // the operator cannot have all pods before its TrainingJobs exist.
            long jobsStart = System.nanoTime();
            parallel(jobs, i -> createTrainingJob(client, i));
            figures.put("floor_trainingjob_create_calls_seconds", round(seconds(jobsStart)));
        }
    }

    private static Pod floorPod(int i) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("floor-" + i)
                .addToLabels("bench", "floor")
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("trainer")
                .withImage("mlforge/sandbox-trainer:latest")
                .addNewEnv()
                .withName("SM_HPS")
                .withValue(HPS)
                .endEnv()
                .withNewResources()
                .addToLimits("nvidia.com/gpu", new Quantity("1"))
                .endResources()
                .endContainer()
                .endSpec()
                .build();
    }

    private static void withOperator(
            Path repo, Path out, int jobs, int nodes, double speed, Map<String, Object> figures) throws Exception {
        try (Sandbox sandbox =
                Sandbox.start(new Sandbox.Options(repo, out.resolve("operator"), nodes, 8, speed, 0, true, true))) {
            KubernetesClient client = sandbox.client();
            AtomicLong peakRss = new AtomicLong(sandbox.operator().residentBytes());
            var sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(
                    () -> peakRss.accumulateAndGet(sandbox.operator().residentBytes(), Math::max),
                    0,
                    250,
                    TimeUnit.MILLISECONDS);
            Duration cpuBefore = sandbox.operator().cpuTime();
            var pods = client.pods()
                    .inNamespace("default")
                    .withLabel("app.kubernetes.io/managed-by", "mlforge-operator")
                    .inform();
            var trainingJobs = client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                    .inNamespace("default")
                    .inform();
            sandbox.controlPlane().resetRequests();
            long start = System.nanoTime();
            parallel(jobs, i -> createTrainingJob(client, i));
            double created = seconds(start);
            progress("operator: all TrainingJobs created", created);
            double exist = waitFor(start, () -> pods.getStore().list().size() >= jobs);
            progress("operator: all pods exist", exist);
            double finished = waitFor(start, () -> {
                List<GenericKubernetesResource> all = trainingJobs.getStore().list();
                return all.size() == jobs
                        && all.stream()
                                .allMatch(j -> j.getAdditionalProperties().get("status") instanceof Map<?, ?> s
                                        && "Completed".equals(s.get("phase")));
            });
            pods.close();
            trainingJobs.close();
            Duration cpuAfter = sandbox.operator().cpuTime();
            sampler.shutdownNow();
            Map<String, Long> byVerb = new java.util.TreeMap<>();
            sandbox.controlPlane()
                    .requestsUpToNow(sandbox.operatorIdentity().userName())
                    .forEach(r -> byVerb.merge(r.verb() + " " + r.fullResource(), 1L, Long::sum));
            long requests = byVerb.values().stream().mapToLong(Long::longValue).sum();
            figures.put("operator_create_calls_seconds", round(created));
            figures.put("operator_pods_exist_seconds", round(exist));
            figures.put("operator_all_finished_seconds", round(finished));
            figures.put("operator_load_average_1m", loadAverage());
            figures.put("operator_rss_peak_mib", peakRss.get() / (1024 * 1024));
            if (cpuBefore != null && cpuAfter != null) {
                figures.put(
                        "operator_cpu_seconds", round(cpuAfter.minus(cpuBefore).toMillis() / 1000.0));
            }
            figures.put("operator_api_requests_total", requests);
            figures.put("operator_api_requests_per_job", round((double) requests / jobs));
            figures.put("operator_api_requests_by_verb_and_resource", byVerb);
        }
    }

    private static void createTrainingJob(KubernetesClient client, int i) {
        client.load(new ByteArrayInputStream(trainingJob(i).getBytes(StandardCharsets.UTF_8)))
                .inNamespace("default")
                .create();
    }

    private static String trainingJob(int i) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: bench-%d}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "5"}
                  resources: {gpusPerInstance: 1}
                """.formatted(i);
    }

    interface Task {
        void run(int i) throws Exception;
    }

    private static void parallel(int n, Task task) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        for (int i = 0; i < n; i++) {
            int index = i;
            pool.submit(() -> {
                try {
                    task.run(index);
                } catch (Exception e) {
                    System.err.println("request " + index + " failed: " + e.getMessage());
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.MINUTES);
    }

    /** A line as each phase ends, so that a long run that is stopped still tells how far it got. */
    private static void progress(String what, double seconds) {
        System.out.printf(java.util.Locale.ROOT, "%s after %.1f s (load %.1f)%n", what, seconds, loadAverage());
    }

    private static double waitFor(long start, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after 90 minutes");
            }
            Thread.sleep(250);
        }
        return seconds(start);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The unit printed after a figure (the JSON holds plain numbers). */
    static String unit(String name) {
        if (name.endsWith("_seconds")) {
            return " s";
        } else if (name.endsWith("_mib")) {
            return " MiB";
        } else if (name.endsWith("_ratio")) {
            return "x";
        } else if (name.endsWith("_per_second")) {
            return " jobs/s";
        } else if (name.startsWith("operator_api_requests")) {
            return " requests";
        }
        return "";
    }

    /** The machine's 1-minute load average (Linux), to state how busy the 2 cores were. */
    static double loadAverage() {
        try {
            return Double.parseDouble(
                    Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
