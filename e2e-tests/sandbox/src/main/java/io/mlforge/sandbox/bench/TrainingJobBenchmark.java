package io.mlforge.sandbox.bench;

import static io.mlforge.sandbox.bench.Bench.loadAverage;
import static io.mlforge.sandbox.bench.Bench.parallel;
import static io.mlforge.sandbox.bench.Bench.progress;
import static io.mlforge.sandbox.bench.Bench.round;
import static io.mlforge.sandbox.bench.Bench.seconds;
import static io.mlforge.sandbox.bench.Bench.waitFor;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.operator.training.kubernetes.TrainingLabels;
import io.mlforge.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * N TrainingJobs applied at once (1 GPU, 5 simulated epochs each) against the packaged operator in the sandbox:
 * time until all their pods exist and until all jobs finished, the operator's peak RSS and CPU time, and API
 * requests per job. The floor is measured in the same run: the same number of equivalent pods created directly by
 * a client on an identical simulated cluster. Prints "name: value unit" lines and writes a JSON summary.
 *
 * <p>Run: {@code ./mvnw -Pbenchmark -pl e2e-tests/sandbox -am verify -DskipTests -Dbenchmark.jobs=1000}
 */
public final class TrainingJobBenchmark {
    private TrainingJobBenchmark() {}

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        double speed = args.length > 1 ? Double.parseDouble(args[1]) : 0.2;
        Path repo = Path.of(args.length > 2 ? args[2] : ".").toAbsolutePath().normalize();
        // -Dbenchmark.phases=operator: only the phases named (e.g. to check the operator's memory at 10,000 jobs
        // without the hour the floor and the Job controller take); such a run writes trainingjobs-N-PHASES.json, which
        // has no ratios and is not in the table
        java.util.Set<String> phases =
                java.util.Set.of((args.length > 3 ? args[3] : "floor,job-controller,operator").split(","));
        boolean all = phases.containsAll(java.util.Set.of("floor", "job-controller", "operator"));
        Path out = repo.resolve("e2e-tests/sandbox/target/benchmark");
        Files.createDirectories(out);
        int nodes = Math.max(4, (jobs + 7) / 8);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("jobs", jobs);
        figures.put("nodes", nodes);
        figures.put("speed", speed);
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        if (phases.contains("floor")) {
            floor(repo, out, jobs, nodes, speed, figures);
        }
        if (phases.contains("job-controller")) {
            jobController(repo, out, jobs, nodes, speed, figures);
        }
        if (phases.contains("operator")) {
            withOperator(repo, out, jobs, nodes, speed, figures);
        }
        if (!all) {
            Bench.report(
                    out,
                    "trainingjobs-" + jobs + "-" + String.join("-", new java.util.TreeSet<>(phases)) + ".json",
                    figures);
            return;
        }
        double floorExist = (double) figures.get("floor_pods_exist_seconds");
        double floorFinished = (double) figures.get("floor_all_finished_seconds");
        double exist = (double) figures.get("operator_pods_exist_seconds");
        double finished = (double) figures.get("operator_all_finished_seconds");
        figures.put("pods_exist_ratio", round(exist / floorExist));
        figures.put("all_finished_ratio", round(finished / floorFinished));
        figures.put("floor_creation_rate_per_second", round(jobs / floorExist));
        figures.put("operator_creation_rate_per_second", round(jobs / exist));
        figures.put(
                "job_controller_pods_exist_ratio",
                round((double) figures.get("job_controller_pods_exist_seconds") / floorExist));
        figures.put(
                "job_controller_all_finished_ratio",
                round((double) figures.get("job_controller_all_finished_seconds") / floorFinished));

        if (figures.get("floor_apiserver_cpu_seconds") instanceof Double floorCpu
                && figures.get("operator_apiserver_cpu_seconds") instanceof Double operatorCpu
                && floorCpu > 0) {
            // the work the operator's way of running the pods costs kube-apiserver, against creating them directly
            figures.put("apiserver_cpu_ratio", round(operatorCpu / floorCpu));
        }
        Bench.report(out, "trainingjobs-" + jobs + ".json", figures);
        System.out.println(BenchmarkTable.render(out));
        System.out.println(BenchmarkTable.renderTime(out));
        System.out.println(BenchmarkTable.renderRequests(out));
        System.out.println(BenchmarkTable.renderApiServer(out));
    }

    private static void floor(Path repo, Path out, int jobs, int nodes, double speed, Map<String, Object> figures)
            throws Exception {
        try (Sandbox sandbox =
                Sandbox.start(new Sandbox.Options(repo, out.resolve("floor"), nodes, 8, speed, 0, false))) {
            KubernetesClient client = sandbox.client();
            OperatorPods operatorPods = OperatorPods.of(sandbox, trainingJob(0));
            figures.put(
                    "pod_json_bytes",
                    client.getKubernetesSerialization()
                            .asJson(floorPod(operatorPods, 0))
                            .length());
            // Counted from a watch (an informer), not by listing everything again and again.
            var pods = client.pods()
                    .inNamespace("default")
                    .withLabel("bench", "floor")
                    .inform();
            var controlPlane = Bench.ControlPlaneMeter.start(sandbox.controlPlane());
            long start = System.nanoTime();
            parallel(
                    jobs,
                    i -> client.pods()
                            .inNamespace("default")
                            .resource(floorPod(operatorPods, i))
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
            controlPlane.finish(figures, "floor");
            Bench.kubeletTouch(sandbox, figures, "floor");
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

    /**
     * The same workload as N batch/v1 Jobs run by kube-controller-manager's Job controller (client QPS 200) on an
     * identical cluster: what Kubernetes' own controller achieves on these cores, next to the floor and the operator.
     */
    private static void jobController(
            Path repo, Path out, int jobs, int nodes, double speed, Map<String, Object> figures) throws Exception {
        try (Sandbox sandbox =
                Sandbox.start(new Sandbox.Options(repo, out.resolve("job-controller"), nodes, 8, speed, 0, false))) {
            KubernetesClient client = sandbox.client();
            OperatorPods operatorPods = OperatorPods.of(sandbox, trainingJob(0));
            var pods = client.pods()
                    .inNamespace("default")
                    .withLabel("bench", "job")
                    .inform();
            var batchJobs = client.batch().v1().jobs().inNamespace("default").inform();
            var controlPlane = Bench.ControlPlaneMeter.start(sandbox.controlPlane());
            long start = System.nanoTime();
            CompletionLag lag = new CompletionLag(start);
            pods.addEventHandler(
                    lag.pods(p -> p.getMetadata().getLabels().get("job-name"), CompletionLag::podSucceeded));
            batchJobs.addEventHandler(lag.jobs(j -> j.getMetadata().getName(), TrainingJobBenchmark::jobComplete));
            parallel(
                    jobs,
                    i -> client.batch()
                            .v1()
                            .jobs()
                            .inNamespace("default")
                            .resource(batchJob(operatorPods, i))
                            .create());
            double exist = waitFor(start, () -> pods.getStore().list().size() >= jobs);
            progress("Job controller: all pods exist", exist);
            double finished = waitFor(
                    start,
                    () -> batchJobs.getStore().list().stream()
                                    .filter(TrainingJobBenchmark::jobComplete)
                                    .count()
                            >= jobs);
            progress("Job controller: all Jobs complete", finished);
            controlPlane.finish(figures, "job_controller");
            lag.report(figures, "job_controller");
            Bench.kubeletTouch(sandbox, figures, "job_controller");
            pods.close();
            batchJobs.close();
            figures.put("job_controller_pods_exist_seconds", round(exist));
            figures.put("job_controller_all_finished_seconds", round(finished));
            figures.put("job_controller_load_average_1m", loadAverage());
        }
    }

    private static boolean jobComplete(Job job) {
        return job.getStatus() != null
                && job.getStatus().getSucceeded() != null
                && job.getStatus().getSucceeded() >= 1
                && job.getStatus().getCompletionTime() != null;
    }

    private static boolean completed(GenericKubernetesResource trainingJob) {
        return trainingJob.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                && "Completed".equals(status.get("phase"));
    }

    /** The Job controller's template is the operator's pod for TrainingJob bench-i (its labels plus bench=job). */
    private static Job batchJob(OperatorPods operatorPods, int i) {
        Pod pod = operatorPods.pod("bench-" + i);
        pod.getMetadata().setName(null);
        pod.getMetadata().getLabels().put("bench", "job");
        return new JobBuilder()
                .withNewMetadata()
                .withName("job-" + i)
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withNewTemplate()
                .withMetadata(pod.getMetadata())
                .withSpec(pod.getSpec())
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The pod the operator creates for TrainingJob bench-i, labelled bench=floor, created directly. */
    private static Pod floorPod(OperatorPods operatorPods, int i) {
        Pod pod = operatorPods.pod("bench-" + i);
        pod.getMetadata().getLabels().put("bench", "floor");
        return pod;
    }

    private static void withOperator(
            Path repo, Path out, int jobs, int nodes, double speed, Map<String, Object> figures) throws Exception {
        try (Sandbox sandbox =
                Sandbox.start(new Sandbox.Options(repo, out.resolve("operator"), nodes, 8, speed, 0, true, true))) {
            KubernetesClient client = sandbox.client();
            var pods = client.pods()
                    .inNamespace("default")
                    .withLabel("app.kubernetes.io/managed-by", "mlforge-operator")
                    .inform();
            var trainingJobs = client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                    .inNamespace("default")
                    .inform();
            OperatorPods operatorPods = OperatorPods.of(sandbox, trainingJob(0));
            var meter = new Bench.OperatorMeter(sandbox);
            var controlPlane = Bench.ControlPlaneMeter.start(sandbox.controlPlane());
            long start = System.nanoTime();
            CompletionLag lag = new CompletionLag(start);
            pods.addEventHandler(lag.pods(
                    p -> p.getMetadata().getLabels().get(TrainingLabels.JOB_NAME), CompletionLag::podSucceeded));
            trainingJobs.addEventHandler(lag.jobs(j -> j.getMetadata().getName(), TrainingJobBenchmark::completed));
            RequestsPerJob perJob = new RequestsPerJob();
            trainingJobs.addEventHandler(perJob.trainingJobs());
            parallel(jobs, i -> createTrainingJob(client, i));
            double created = seconds(start);
            progress("operator: all TrainingJobs created", created);
            double exist = waitFor(start, () -> pods.getStore().list().size() >= jobs);
            progress("operator: all pods exist", exist);
            double finished = waitFor(start, () -> {
                List<GenericKubernetesResource> all = trainingJobs.getStore().list();
                return all.size() == jobs && all.stream().allMatch(TrainingJobBenchmark::completed);
            });
            controlPlane.finish(figures, "operator");
            lag.report(figures, "operator");
            Bench.kubeletTouch(sandbox, figures, "operator");
            Map<String, String> podJobs = new java.util.HashMap<>();
            pods.getStore()
                    .list()
                    .forEach(p -> podJobs.put(
                            p.getMetadata().getName(),
                            p.getMetadata().getLabels().get(TrainingLabels.JOB_NAME)));
            pods.close();
            trainingJobs.close();
            figures.put("operator_pod_is_floor_pod", createdAsPlanned(client, operatorPods));
            figures.put("operator_create_calls_seconds", round(created));
            figures.put("operator_pods_exist_seconds", round(exist));
            figures.put("operator_all_finished_seconds", round(finished));
            // restarts by the liveness probe (an informer that stopped watching for good): 0 in a clean run
            figures.put("operator_liveness_restarts", sandbox.livenessRestarts());
            perJob.report(figures, meter.finish(figures, jobs, "job"), podJobs);
        }
    }

    /**
     * Whether the operator created the pod the floor creates for the same TrainingJob: the pod planned for bench-0
     * (with the settings the floor uses) and the operator's, both as the API server stores them (the planned one in
     * a dry run), have the same spec, labels and owner.
     */
    private static boolean createdAsPlanned(KubernetesClient client, OperatorPods operatorPods) {
        TrainingJob job = client.resources(TrainingJob.class)
                .inNamespace("default")
                .withName("bench-0")
                .get();
        Pod planned = operatorPods.planned(job);
        Pod actual = client.pods()
                .inNamespace("default")
                .withName(planned.getMetadata().getName())
                .get();
        planned.getMetadata().setName(planned.getMetadata().getName() + "-planned");
        Pod plannedStored = client.resource(planned).dryRun().create();
        String plannedSpec = comparable(client, plannedStored);
        String actualSpec =
                actual == null ? "(no pod " + planned.getMetadata().getName() + ")" : comparable(client, actual);
        boolean same = plannedSpec.equals(actualSpec)
                && Objects.equals(
                        plannedStored.getMetadata().getLabels(),
                        actual.getMetadata().getLabels())
                && Objects.equals(
                        plannedStored.getMetadata().getOwnerReferences(),
                        actual.getMetadata().getOwnerReferences());
        if (!same) {
            System.out.println("the floor's pods differ from the operator's:\n planned:  " + plannedSpec
                    + "\n operator: " + actualSpec);
        }
        return same;
    }

    /** A stored pod's spec without what differs between two copies: the node and the token volume's random suffix. */
    private static String comparable(KubernetesClient client, Pod stored) {
        Pod copy = client.getKubernetesSerialization().clone(stored);
        copy.getSpec().setNodeName(null);
        return client.getKubernetesSerialization()
                .asJson(copy.getSpec())
                .replaceAll("kube-api-access-[a-z0-9]{5}", "kube-api-access");
    }

    private static void createTrainingJob(KubernetesClient client, int i) {
        Bench.create(client, trainingJob(i));
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
}
