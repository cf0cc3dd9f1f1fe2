package io.mlforge.sandbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Renders the README's benchmark tables from the benchmarks' JSON files in
 * {@code e2e-tests/sandbox/target/benchmark}: in-cluster TrainingJobs ({@code trainingjobs-N.json}) and SageMaker
 * TrainingJobs ({@code sagemaker-trainingjobs-N.json}), in-cluster Endpoints ({@code endpoints-N.json}) and
 * TuningJobs ({@code tuningjobs-SxT.json}), one row per run, so the README's figures are the JSON's, and where each
 * TrainingJob phase's time went. Each benchmark prints its table after a run; {@link #main} prints all of them for the
 * files in a folder.
 */
public final class BenchmarkTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchmarkTable() {}

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : "e2e-tests/sandbox/target/benchmark");
        System.out.println(render(folder));
        System.out.println(renderTime(folder));
        System.out.println(renderRequests(folder));
        System.out.println(renderApiServer(folder));
        System.out.println(renderSageMaker(folder));
        System.out.println(renderEndpoints(folder));
        System.out.println(renderTuning(folder));
    }

    /** Kubernetes' Job controller on the same workload, where the run measured it. */
    private static String jobController(JsonNode r) {
        if (!r.path("job_controller_pods_exist_seconds").isNumber()) {
            return "–";
        }
        return String.format(
                Locale.ROOT,
                "%.1f s / %.1f s (%.2fx / %.2fx)",
                r.path("job_controller_pods_exist_seconds").asDouble(),
                r.path("job_controller_all_finished_seconds").asDouble(),
                r.path("job_controller_pods_exist_ratio").asDouble(),
                r.path("job_controller_all_finished_ratio").asDouble());
    }

    /** The operator's peak RSS, with the live heap after a full collection where the run measured it. */
    private static String memory(JsonNode r) {
        long live = r.path("operator_live_heap_mib").asLong(-1);
        return r.path("operator_rss_peak_mib").asLong() + " MiB" + (live >= 0 ? " (" + live + " MiB)" : "");
    }

    /** The table for every {@code endpoints-N.json} in {@code folder}, by N. */
    public static String renderEndpoints(Path folder) throws IOException {
        StringBuilder table = new StringBuilder();
        table.append("| endpoints | all ready: floor / operator (ratio) | API requests per endpoint"
                + " | operator peak RSS (live heap) | load (1 min) |\n");
        table.append("|---:|---|---:|---:|---|\n");
        for (JsonNode r : runs(folder, "endpoints-\\d+\\.json", "all_ready_ratio", "endpoints")) {
            table.append(String.format(
                    Locale.ROOT,
                    "| %,d | %.1f s / %.1f s (%.2fx) | %.2f | %s | %.1f / %.1f |\n",
                    r.path("endpoints").asInt(),
                    r.path("floor_all_ready_seconds").asDouble(),
                    r.path("operator_all_in_service_seconds").asDouble(),
                    r.path("all_ready_ratio").asDouble(),
                    r.path("operator_api_requests_per_endpoint").asDouble(),
                    memory(r),
                    r.path("floor_load_average_1m").asDouble(),
                    r.path("operator_load_average_1m").asDouble()));
        }
        return table.toString();
    }

    /** The table for every {@code tuningjobs-SxT.json} in {@code folder}, by S. */
    public static String renderTuning(Path folder) throws IOException {
        StringBuilder table = new StringBuilder();
        table.append("| searches × trials (parallel) | all finished: floor / operator (ratio) | trials per second:"
                + " floor / operator | API requests per trial | operator peak RSS (live heap) | load (1 min) |\n");
        table.append("|---|---|---|---:|---:|---|\n");
        for (JsonNode r : runs(folder, "tuningjobs-\\d+x\\d+\\.json", "all_finished_ratio", "searches")) {
            table.append(String.format(
                    Locale.ROOT,
                    "| %,d × %d (%d) | %.1f s / %.1f s (%.2fx) | %.1f / %.1f | %.2f | %s | %.1f / %.1f |\n",
                    r.path("searches").asInt(),
                    r.path("trials_per_search").asInt(),
                    r.path("parallel_trials").asInt(),
                    r.path("floor_all_finished_seconds").asDouble(),
                    r.path("operator_all_completed_seconds").asDouble(),
                    r.path("all_finished_ratio").asDouble(),
                    r.path("floor_trial_rate_per_second").asDouble(),
                    r.path("operator_trial_rate_per_second").asDouble(),
                    r.path("operator_api_requests_per_trial").asDouble(),
                    memory(r),
                    r.path("floor_load_average_1m").asDouble(),
                    r.path("operator_load_average_1m").asDouble()));
        }
        return table.toString();
    }

    /** The runs in {@code folder} whose file name matches {@code pattern} and that have {@code field}, by job count. */
    private static List<JsonNode> runs(Path folder, String pattern, String field) throws IOException {
        return runs(folder, pattern, field, "jobs");
    }

    /** As above, ordered by the count in {@code countField}. */
    private static List<JsonNode> runs(Path folder, String pattern, String field, String countField)
            throws IOException {
        List<JsonNode> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches(pattern))
                    .toList()) {
                JsonNode run = JSON.readTree(file.toFile());
                if (run.path(field).isNumber()) { // runs in the current format only
                    runs.add(run);
                }
            }
        }
        runs.sort(Comparator.comparingInt(r -> r.path(countField).asInt()));
        return runs;
    }

    /** The table for every {@code sagemaker-trainingjobs-N.json} in {@code folder}, by N. */
    public static String renderSageMaker(Path folder) throws IOException {
        StringBuilder table = new StringBuilder();
        table.append("| jobs | all Running after | SageMaker calls per job until then | calls per running job-hour"
                + " | StopTrainingJob calls | status lag p50 / p95 / max | calls in 60 s, all finished |\n");
        table.append("|---:|---:|---:|---:|---:|---|---:|\n");
        for (JsonNode r : runs(folder, "sagemaker-trainingjobs-\\d+\\.json", "status_lag_p95_seconds")) {
            table.append(String.format(
                    Locale.ROOT,
                    "| %,d | %.0f s | %.2f | %.2f | %d | %.1f s / %.1f s / %.1f s | %d |\n",
                    r.path("jobs").asInt(),
                    r.path("all_running_after_seconds").asDouble(),
                    r.path("calls_until_all_running_per_job").asDouble(),
                    r.path("calls_per_running_job_hour").asDouble(),
                    r.path("stop_calls").asLong(),
                    r.path("status_lag_p50_seconds").asDouble(),
                    r.path("status_lag_p95_seconds").asDouble(),
                    r.path("status_lag_max_seconds").asDouble(),
                    r.path("calls_in_60s_with_all_jobs_finished").asLong()));
        }
        return table.toString();
    }

    /** The table for every {@code trainingjobs-N.json} in {@code folder}, by N. */
    public static String render(Path folder) throws IOException {
        List<JsonNode> runs = runs(folder, "trainingjobs-\\d+\\.json", "pods_exist_ratio");
        StringBuilder table = new StringBuilder();
        table.append("| jobs | all pods exist: floor / operator (ratio) | all finished: floor / operator (ratio)"
                + " | batch/v1 Jobs: pods exist / finished (ratios) | creation rate: floor / operator | API requests per job"
                + " | kube-apiserver CPU: floor / Job controller / operator | operator peak RSS (live heap)"
                + " | load (1 min) |\n");
        table.append("|---:|---|---|---|---|---:|---|---:|---|\n");
        for (JsonNode r : runs) {
            table.append(String.format(
                    Locale.ROOT,
                    "| %,d | %.1f s / %.1f s (%.2fx) | %.1f s / %.1f s (%.2fx) | %s | %.0f / %.0f jobs/s | %.2f | %s"
                            + " | %s | %.1f / %.1f |\n",
                    r.path("jobs").asInt(),
                    r.path("floor_pods_exist_seconds").asDouble(),
                    r.path("operator_pods_exist_seconds").asDouble(),
                    r.path("pods_exist_ratio").asDouble(),
                    r.path("floor_all_finished_seconds").asDouble(),
                    r.path("operator_all_finished_seconds").asDouble(),
                    r.path("all_finished_ratio").asDouble(),
                    jobController(r),
                    r.path("floor_creation_rate_per_second").asDouble(),
                    r.path("operator_creation_rate_per_second").asDouble(),
                    r.path("operator_api_requests_per_job").asDouble(),
                    apiServerCpu(r),
                    memory(r),
                    r.path("floor_load_average_1m").asDouble(),
                    r.path("operator_load_average_1m").asDouble()));
        }
        return table.toString();
    }

    /** The phases of the TrainingJob benchmark: the figures' prefix and the row's name. */
    private static final String[][] PHASES = {
        {"floor", "floor (pods created directly)"},
        {"job_controller", "batch/v1 Jobs (Job controller)"},
        {"operator", "TrainingJobs (operator)"}
    };

    /**
     * Where each phase of every {@code trainingjobs-N.json} run that measured it spent its time: when the last pod
     * succeeded, how far the controller's own report trailed its pod, and the CPU seconds of every process on the
     * machine's cores, with the share of the phase's core-seconds they used.
     */
    public static String renderTime(Path folder) throws IOException {
        StringBuilder table = new StringBuilder();
        table.append("| jobs | phase | last pod succeeded / all finished | report after its pod: p50 / p95 / max"
                + " | CPU s: kube-apiserver / etcd / controller manager / scheduler | sandbox (nodes, kubelet, client)"
                + " | operator (by thread) | cores busy |\n");
        table.append("|---:|---|---|---|---|---:|---:|---:|\n");
        for (JsonNode r : runs(folder, "trainingjobs-\\d+\\.json", "operator_sandbox_cpu_seconds")) {
            for (String[] phase : PHASES) {
                String p = phase[0];
                if (!r.path(p + "_all_finished_seconds").isNumber()) {
                    continue;
                }
                double finished = r.path(p + "_all_finished_seconds").asDouble();
                double podsDone = r.path(p + "_pods_succeeded_seconds").asDouble(finished);
                double cpu = 0;
                for (String c : List.of("apiserver", "etcd", "controller_manager", "scheduler", "sandbox")) {
                    cpu += r.path(p + "_" + c + "_cpu_seconds").asDouble();
                }
                String operator = "–";
                if (p.equals("operator") && r.path("operator_cpu_seconds").isNumber()) {
                    cpu += r.path("operator_cpu_seconds").asDouble();
                    operator = String.format(
                                    Locale.ROOT,
                                    "%.1f",
                                    r.path("operator_cpu_seconds").asDouble())
                            + byThread(r.path("operator_cpu_seconds_by_thread"));
                }
                table.append(String.format(
                        Locale.ROOT,
                        "| %,d | %s | %.1f s / %.1f s | %s | %.1f / %.1f / %.1f / %.1f | %.1f | %s | %.2f of %d |\n",
                        r.path("jobs").asInt(),
                        phase[1],
                        podsDone,
                        finished,
                        r.path(p + "_status_lag_p50_seconds").isNumber()
                                ? String.format(
                                        Locale.ROOT,
                                        "%.2f s / %.2f s / %.2f s",
                                        r.path(p + "_status_lag_p50_seconds").asDouble(),
                                        r.path(p + "_status_lag_p95_seconds").asDouble(),
                                        r.path(p + "_status_lag_max_seconds").asDouble())
                                : "–",
                        r.path(p + "_apiserver_cpu_seconds").asDouble(),
                        r.path(p + "_etcd_cpu_seconds").asDouble(),
                        r.path(p + "_controller_manager_cpu_seconds").asDouble(),
                        r.path(p + "_scheduler_cpu_seconds").asDouble(),
                        r.path(p + "_sandbox_cpu_seconds").asDouble(),
                        operator,
                        cpu / finished,
                        r.path("cores").asInt()));
            }
        }
        return table.toString();
    }

    /**
     * The operator's API requests per job in every {@code trainingjobs-N.json} run that counted them job by job: for the
     * jobs whose pod started promptly and for those that passed through Starting (their pod waited on its node), each
     * as pod / status writes / Events = total; the status writes per phase change seen; and the requests about no one
     * job (watches, lists).
     */
    public static String renderRequests(Path folder) throws IOException {
        StringBuilder table = new StringBuilder();
        table.append("| jobs | API requests per job | jobs without Starting: pod / status writes / Events = requests"
                + " | jobs through Starting: pod / status writes / Events = requests"
                + " | status writes per phase change | requests about no one job |\n");
        table.append("|---:|---:|---|---|---:|---:|\n");
        for (JsonNode r : runs(folder, "trainingjobs-\\d+\\.json", "operator_status_writes_per_phase_change")) {
            int jobs = r.path("jobs").asInt();
            int throughStarting = r.path("operator_jobs_through_starting").asInt();
            JsonNode groups = r.path("operator_api_requests_per_job_by_group");
            table.append(String.format(
                    Locale.ROOT,
                    "| %,d | %.2f | %,d jobs: %s | %,d jobs: %s | %.2f | %d |\n",
                    jobs,
                    r.path("operator_api_requests_per_job").asDouble(),
                    jobs - throughStarting,
                    requestGroup(
                            groups.path("without_starting"), r.path("operator_api_requests_per_job_without_starting")),
                    throughStarting,
                    requestGroup(
                            groups.path("through_starting"), r.path("operator_api_requests_per_job_through_starting")),
                    r.path("operator_status_writes_per_phase_change").asDouble(),
                    r.path("operator_api_requests_not_per_job").asLong()));
        }
        return table.toString();
    }

    /**
     * kube-apiserver's CPU in each phase of every {@code trainingjobs-N.json} run that profiled it, part by part (see
     * {@link ApiServerProfile#PARTS}; parts overlap), as seconds and share of what the profiler saw; for the
     * operator's status writes also the milliseconds per write.
     */
    public static String renderApiServer(Path folder) throws IOException {
        StringBuilder table = new StringBuilder();
        table.append("| jobs | kube-apiserver CPU | floor (pods created directly) | batch/v1 Jobs (Job controller)"
                + " | TrainingJobs (operator) |\n");
        table.append("|---:|---|---:|---:|---:|\n");
        for (JsonNode r : runs(folder, "trainingjobs-\\d+\\.json", "operator_sandbox_cpu_seconds")) {
            if (!r.has("operator_apiserver_cpu_seconds_by_part")) {
                continue;
            }
            List<ApiServerProfile.Part> rows = new ArrayList<>();
            rows.add(new ApiServerProfile.Part("profiled", "all the profiler saw", ""));
            rows.addAll(ApiServerProfile.PARTS);
            for (ApiServerProfile.Part row : rows) {
                String part = row.name();
                String description = row.description();
                table.append(String.format(
                        Locale.ROOT, "| %,d | %s |", r.path("jobs").asInt(), description));
                for (String[] phase : PHASES) {
                    JsonNode byPart = r.path(phase[0] + "_apiserver_cpu_seconds_by_part");
                    if (!byPart.path(part).isNumber()) {
                        table.append(" – |");
                        continue;
                    }
                    double seconds = byPart.path(part).asDouble();
                    double share = seconds / byPart.path("profiled").asDouble();
                    String cell = part.equals("profiled")
                            ? String.format(Locale.ROOT, "%.1f s", seconds)
                            : String.format(Locale.ROOT, "%.1f s (%.0f %%)", seconds, 100 * share);
                    long writes = r.path("operator_api_requests_by_verb_and_resource")
                            .path("update trainingjobs/status")
                            .asLong();
                    if (phase[0].equals("operator") && part.equals("custom_resource_status_writes") && writes > 0) {
                        cell += String.format(Locale.ROOT, ", %.1f ms per write", 1000 * seconds / writes);
                    }
                    table.append(' ').append(cell).append(" |");
                }
                table.append('\n');
            }
        }
        return table.toString();
    }

    /** " (JIT 27.3, GC 14.0, ...)": the operator's CPU seconds by group of threads, or "" for runs without. */
    private static String byThread(JsonNode seconds) {
        if (!seconds.isObject()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (OperatorThreads.Group group : OperatorThreads.GROUPS) {
            parts.add(String.format(
                    Locale.ROOT,
                    "%s %.1f",
                    group.description(),
                    seconds.path(group.name()).asDouble()));
        }
        parts.add(String.format(Locale.ROOT, "other %.1f", seconds.path("other").asDouble()));
        return " (" + String.join(", ", parts) + ")";
    }

    /** "pod / status writes / Events = total" from a group's mean requests by verb and resource. */
    private static String requestGroup(JsonNode byVerb, JsonNode total) {
        if (!total.isNumber()) {
            return "–";
        }
        double pods = 0;
        double status = 0;
        double events = 0;
        for (var it = byVerb.fields(); it.hasNext(); ) {
            var e = it.next();
            String resource = e.getKey().substring(e.getKey().indexOf(' ') + 1);
            switch (resource) {
                case "pods" -> pods += e.getValue().asDouble();
                case "trainingjobs/status" -> status += e.getValue().asDouble();
                case "events" -> events += e.getValue().asDouble();
                default -> {}
            }
        }
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f = %.2f", pods, status, events, total.asDouble());
    }

    /** kube-apiserver's CPU seconds in each phase, where the run measured them, with the operator's over the floor's. */
    private static String apiServerCpu(JsonNode r) {
        if (!r.path("operator_apiserver_cpu_seconds").isNumber()
                || !r.path("floor_apiserver_cpu_seconds").isNumber()) {
            return "–";
        }
        return String.format(
                Locale.ROOT,
                "%.1f s / %s / %.1f s (%.2fx)",
                r.path("floor_apiserver_cpu_seconds").asDouble(),
                r.path("job_controller_apiserver_cpu_seconds").isNumber()
                        ? String.format(
                                Locale.ROOT,
                                "%.1f s",
                                r.path("job_controller_apiserver_cpu_seconds").asDouble())
                        : "–",
                r.path("operator_apiserver_cpu_seconds").asDouble(),
                r.path("apiserver_cpu_ratio").asDouble());
    }
}
