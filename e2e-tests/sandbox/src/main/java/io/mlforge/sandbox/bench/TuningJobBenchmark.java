package io.mlforge.sandbox.bench;

import static io.mlforge.sandbox.bench.Bench.loadAverage;
import static io.mlforge.sandbox.bench.Bench.parallel;
import static io.mlforge.sandbox.bench.Bench.progress;
import static io.mlforge.sandbox.bench.Bench.round;
import static io.mlforge.sandbox.bench.Bench.seconds;
import static io.mlforge.sandbox.bench.Bench.waitFor;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.mlforge.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * S TuningJobs of T trials each (Bayesian search over Branin, P trials at a time, 1 GPU and 5 simulated epochs per
 * trial) applied at once to the packaged operator in the sandbox: time until every search completed, trials per
 * second, the operator's API requests per trial, RSS and CPU. The floor, in the same run and on an identical
 * simulated cluster: a client that runs the same S × T pods directly, keeping P of each search running (the next
 * one created as soon as one succeeds), which is what a search costs without choosing its points.
 *
 * <p>Run: {@code ./mvnw -Pbenchmark-tuning -DskipTests verify -Dbenchmark.searches=100 -Dbenchmark.trials=50}
 */
public final class TuningJobBenchmark {
    private TuningJobBenchmark() {}

    public static void main(String[] args) throws Exception {
        int searches = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int parallelTrials = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        double speed = args.length > 3 ? Double.parseDouble(args[3]) : 0.2;
        Path repo = Path.of(args.length > 4 ? args[4] : ".").toAbsolutePath().normalize();
        Path out = repo.resolve("e2e-tests/sandbox/target/benchmark");
        Files.createDirectories(out);
        int nodes = Math.max(4, (searches * parallelTrials + 7) / 8);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("searches", searches);
        figures.put("trials_per_search", trials);
        figures.put("parallel_trials", parallelTrials);
        figures.put("nodes", nodes);
        figures.put("speed", speed);
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        Run run = new Run(repo, out, searches, trials, parallelTrials, nodes, speed);
        floor(run, figures);
        withOperator(run, figures);
        double floor = (double) figures.get("floor_all_finished_seconds");
        double operator = (double) figures.get("operator_all_completed_seconds");
        figures.put("all_finished_ratio", round(operator / floor));
        figures.put("floor_trial_rate_per_second", round(searches * trials / floor));
        figures.put("operator_trial_rate_per_second", round(searches * trials / operator));

        Bench.report(out, "tuningjobs-" + searches + "x" + trials + ".json", figures);
        System.out.println(BenchmarkTable.renderTuning(out));
    }

    /** What both halves of a run share. */
    private record Run(Path repo, Path out, int searches, int trials, int parallelTrials, int nodes, double speed) {}

    private static void floor(Run run, Map<String, Object> figures) throws Exception {
        Path repo = run.repo();
        Path out = run.out();
        int searches = run.searches();
        int trials = run.trials();
        int parallelTrials = run.parallelTrials();
        try (Sandbox sandbox = Sandbox.start(
                new Sandbox.Options(repo, out.resolve("tuning-floor"), run.nodes(), 8, run.speed(), 0, false))) {
            KubernetesClient client = sandbox.client();
            // the pods the operator creates for the trials: a TrainingJob from the template, the tuned values added
            OperatorPods trialPods = OperatorPods.of(sandbox, trialTrainingJob());
            AtomicIntegerArray started = new AtomicIntegerArray(searches);
            Set<String> succeeded = ConcurrentHashMap.newKeySet();
            AtomicInteger done = new AtomicInteger();
            ExecutorService creator = Executors.newFixedThreadPool(16);
            Bench.Task next = s -> {
                int trial = started.getAndIncrement(s);
                if (trial < trials) {
                    client.pods()
                            .inNamespace("default")
                            .resource(trialPod(trialPods, s, trial))
                            .create();
                }
            };
            var pods = client.pods()
                    .inNamespace("default")
                    .withLabel("bench", "floor")
                    .inform();
            pods.addEventHandler(new ResourceEventHandler<Pod>() {
                @Override
                public void onAdd(Pod pod) {
                    onUpdate(null, pod);
                }

                @Override
                public void onUpdate(Pod old, Pod pod) {
                    if (pod.getStatus() != null
                            && "Succeeded".equals(pod.getStatus().getPhase())
                            && succeeded.add(pod.getMetadata().getName())) {
                        done.incrementAndGet();
                        int search =
                                Integer.parseInt(pod.getMetadata().getLabels().get("bench-search"));
                        creator.submit(() -> {
                            try {
                                next.run(search);
                            } catch (Exception e) {
                                System.err.println("creating a trial pod failed: " + e.getMessage());
                            }
                        });
                    }
                }

                @Override
                public void onDelete(Pod pod, boolean unknown) {}
            });
            long start = System.nanoTime();
            parallel(searches * parallelTrials, i -> next.run(i / parallelTrials));
            double finished = waitFor(start, () -> done.get() >= searches * trials);
            progress("floor: all trial pods finished", finished);
            pods.close();
            creator.shutdownNow();
            figures.put("floor_all_finished_seconds", round(finished));
            figures.put("floor_load_average_1m", loadAverage());
        }
    }

    /** The pod the operator creates for trial {@code trial} of search {@code search}, labelled for the floor. */
    private static Pod trialPod(OperatorPods trialPods, int search, int trial) {
        Pod pod = trialPods.pod(
                String.format(Locale.ROOT, "search-%d-%03d-floor", search, trial),
                Map.of(
                        "x1", String.format(Locale.ROOT, "%.4f", -5 + 15 * ((trial * 0.618034) % 1)),
                        "x2", String.format(Locale.ROOT, "%.4f", 15 * ((trial * 0.414214) % 1))));
        pod.getMetadata().getLabels().put("bench", "floor");
        pod.getMetadata().getLabels().put("bench-search", Integer.toString(search));
        return pod;
    }

    /** Every search's trainingJobTemplate.spec: the simulated trainer on Branin, its objective read from the logs. */
    private static final String TRIAL_SPEC = """
            image: mlforge/sandbox-trainer:latest
            hyperParameters: {objective: branin, epochs: "5"}
            resources: {instanceCount: 1, gpusPerInstance: 1}
            metrics:
              - {name: "validation:objective", regex: "objective=([-0-9.]+)"}
            """;

    /** A trial as the operator creates it from the template, without the tuned values. */
    private static String trialTrainingJob() {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: search-0-000-floor}
                spec:
                """ + TRIAL_SPEC.indent(2);
    }

    private static void withOperator(Run run, Map<String, Object> figures) throws Exception {
        Path repo = run.repo();
        Path out = run.out();
        int searches = run.searches();
        int trials = run.trials();
        int parallelTrials = run.parallelTrials();
        try (Sandbox sandbox = Sandbox.start(new Sandbox.Options(
                repo, out.resolve("tuning-operator"), run.nodes(), 8, run.speed(), 0, true, true))) {
            KubernetesClient client = sandbox.client();
            var tuningJobs = client.genericKubernetesResources(Sandbox.TUNING_JOBS)
                    .inNamespace("default")
                    .inform();
            var meter = new Bench.OperatorMeter(sandbox);
            long start = System.nanoTime();
            parallel(searches, s -> Bench.create(client, tuningJob(s, trials, parallelTrials)));
            progress("operator: all TuningJobs created", seconds(start));
            double completed = waitFor(start, () -> {
                List<GenericKubernetesResource> all = tuningJobs.getStore().list();
                return all.size() == searches
                        && all.stream().allMatch(t -> "Completed".equals(phase(t)) || "Failed".equals(phase(t)));
            });
            progress("operator: all TuningJobs completed", completed);
            List<GenericKubernetesResource> all = tuningJobs.getStore().list();
            tuningJobs.close();
            long failed =
                    all.stream().filter(t -> !"Completed".equals(phase(t))).count();
            figures.put("operator_all_completed_seconds", round(completed));
            figures.put("operator_tuningjobs_not_completed", failed);
            figures.put(
                    "operator_trials_succeeded",
                    all.stream().mapToLong(TuningJobBenchmark::completedTrials).sum());
            meter.finish(figures, searches * trials, "trial");
        }
    }

    private static String phase(GenericKubernetesResource tuningJob) {
        return tuningJob.getAdditionalProperties().get("status") instanceof Map<?, ?> s
                        && s.get("phase") instanceof String p
                ? p
                : "";
    }

    private static long completedTrials(GenericKubernetesResource tuningJob) {
        return tuningJob.getAdditionalProperties().get("status") instanceof Map<?, ?> s
                        && s.get("trialCounts") instanceof Map<?, ?> counts
                        && counts.get("succeeded") instanceof Number n
                ? n.longValue()
                : 0;
    }

    private static String tuningJob(int search, int trials, int parallelTrials) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: search-%d}
                spec:
                  strategy: Bayesian
                  objective: {metricName: "validation:objective", type: Minimize}
                  parameters:
                    - {name: x1, type: Continuous, min: -5, max: 10}
                    - {name: x2, type: Continuous, min: 0, max: 15}
                  maxTrials: %d
                  maxParallelTrials: %d
                  randomSeed: %d
                  trainingJobTemplate:
                    spec:
                """.formatted(search, trials, parallelTrials, search + 1) + TRIAL_SPEC.indent(6);
    }
}
