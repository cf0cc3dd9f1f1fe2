package io.mlforge.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's benchmark tables come from the benchmarks' JSON, one row per run file. */
class BenchmarkTableTest {
    @TempDir
    Path folder;

    @Test
    void eachBenchmarkFileIsARowOfItsTable() throws Exception {
        Files.writeString(folder.resolve("trainingjobs-1000.json"), """
                {"jobs": 1000, "floor_pods_exist_seconds": 17.68, "operator_pods_exist_seconds": 75.68,
                 "pods_exist_ratio": 4.28, "floor_all_finished_seconds": 74.69, "operator_all_finished_seconds": 207.56,
                 "all_finished_ratio": 2.78, "floor_creation_rate_per_second": 56.56,
                 "operator_creation_rate_per_second": 13.21, "operator_api_requests_per_job": 7.02,
                 "operator_rss_peak_mib": 405, "floor_load_average_1m": 6.22, "operator_load_average_1m": 6.42}
                """);
        Files.writeString(folder.resolve("trainingjobs-10.json"), "{\"jobs\": 10, \"pods_exist\": \"1.0 s\"}");
        Files.writeString(folder.resolve("sagemaker-trainingjobs-1000.json"), """
                {"jobs": 1000, "all_running_after_seconds": 122.4, "calls_until_all_running_per_job": 2.28,
                 "calls_per_running_job_hour": 0.15, "stop_calls": 500, "status_lag_p50_seconds": 15.2,
                 "status_lag_p95_seconds": 45.6, "status_lag_max_seconds": 69.1,
                 "calls_in_60s_with_all_jobs_finished": 0}
                """);
        Files.writeString(folder.resolve("trainingjobs-10000.json"), """
                {"jobs": 10000, "floor_pods_exist_seconds": 200.0, "operator_pods_exist_seconds": 500.0,
                 "pods_exist_ratio": 2.5, "floor_all_finished_seconds": 900.0, "operator_all_finished_seconds": 1500.0,
                 "all_finished_ratio": 1.67, "floor_creation_rate_per_second": 50.0,
                 "operator_creation_rate_per_second": 20.0, "operator_api_requests_per_job": 6.5,
                 "operator_rss_peak_mib": 380, "operator_live_heap_mib": 190, "floor_load_average_1m": 6.0,
                 "operator_load_average_1m": 7.0, "job_controller_pods_exist_seconds": 400.0,
                 "job_controller_all_finished_seconds": 1000.0, "job_controller_pods_exist_ratio": 2.0,
                 "job_controller_all_finished_ratio": 1.11, "floor_apiserver_cpu_seconds": 100.0,
                 "job_controller_apiserver_cpu_seconds": 220.0, "operator_apiserver_cpu_seconds": 400.0,
                 "apiserver_cpu_ratio": 4.0, "cores": 2, "floor_etcd_cpu_seconds": 10.0,
                 "floor_controller_manager_cpu_seconds": 5.0, "floor_scheduler_cpu_seconds": 20.0,
                 "floor_sandbox_cpu_seconds": 300.0, "job_controller_etcd_cpu_seconds": 20.0,
                 "job_controller_controller_manager_cpu_seconds": 100.0, "job_controller_scheduler_cpu_seconds": 20.0,
                 "job_controller_sandbox_cpu_seconds": 400.0, "job_controller_pods_succeeded_seconds": 950.0,
                 "job_controller_status_lag_p50_seconds": 8.0, "job_controller_status_lag_p95_seconds": 12.5,
                 "job_controller_status_lag_max_seconds": 13.25, "operator_etcd_cpu_seconds": 30.0,
                 "operator_controller_manager_cpu_seconds": 10.0, "operator_scheduler_cpu_seconds": 20.0,
                 "operator_sandbox_cpu_seconds": 500.0, "operator_cpu_seconds": 140.0,
                 "operator_cpu_seconds_by_thread": {"jit_compilers": 30.0, "garbage_collector": 15.0,
                   "event_loops": 50.0, "reconciles": 25.0, "client_executor": 5.0, "event_posting": 4.0,
                   "other": 11.0},
                 "operator_pods_succeeded_seconds": 1499.0, "operator_status_lag_p50_seconds": 0.06,
                 "operator_status_lag_p95_seconds": 1.04, "operator_status_lag_max_seconds": 2.6,
                 "operator_jobs_through_starting": 2500, "operator_api_requests_per_job_without_starting": 5.9,
                 "operator_api_requests_per_job_through_starting": 6.9, "operator_api_requests_not_per_job": 16,
                 "operator_status_writes_per_phase_change": 1.0,
                 "operator_api_requests_by_verb_and_resource": {"update trainingjobs/status": 37500},
                 "floor_apiserver_cpu_seconds_by_part": {"profiled": 100.0, "custom_resource_status_writes": 0.0,
                                                         "pod_status_writes": 25.0},
                 "operator_apiserver_cpu_seconds_by_part": {"profiled": 400.0, "custom_resource_status_writes": 120.0,
                                                            "pod_status_writes": 30.0, "cel_validation": 28.0},
                 "operator_api_requests_per_job_by_group": {
                   "without_starting": {"create events": 1.7, "patch events": 0.2, "create pods": 1.0,
                                        "update trainingjobs/status": 3.0},
                   "through_starting": {"create events": 1.9, "create pods": 1.0,
                                        "update trainingjobs/status": 4.0}}}
                """);
        Files.writeString(folder.resolve("endpoints-500.json"), """
                {"endpoints": 500, "floor_all_ready_seconds": 40.0, "operator_all_in_service_seconds": 70.0,
                 "all_ready_ratio": 1.75, "operator_api_requests_per_endpoint": 9.5, "operator_rss_peak_mib": 300,
                 "operator_live_heap_mib": 40, "floor_load_average_1m": 5.0, "operator_load_average_1m": 6.0}
                """);
        Files.writeString(folder.resolve("tuningjobs-100x50.json"), """
                {"searches": 100, "trials_per_search": 50, "parallel_trials": 5, "floor_all_finished_seconds": 300.0,
                 "operator_all_completed_seconds": 450.0, "all_finished_ratio": 1.5,
                 "floor_trial_rate_per_second": 16.67, "operator_trial_rate_per_second": 11.11,
                 "operator_api_requests_per_trial": 12.25, "operator_rss_peak_mib": 350,
                 "operator_live_heap_mib": 90, "floor_load_average_1m": 5.5, "operator_load_average_1m": 6.5}
                """);

        assertThat(BenchmarkTable.render(folder))
                .as("a file in an older format is left out")
                .endsWith("| 1,000 | 17.7 s / 75.7 s (4.28x) | 74.7 s / 207.6 s (2.78x) | – | 57 / 13 jobs/s | 7.02"
                        + " | – | 405 MiB | 6.2 / 6.4 |\n"
                        + "| 10,000 | 200.0 s / 500.0 s (2.50x) | 900.0 s / 1500.0 s (1.67x) | 400.0 s / 1000.0 s (2.00x / 1.11x)"
                        + " | 50 / 20 jobs/s | 6.50 | 100.0 s / 220.0 s / 400.0 s (4.00x)"
                        + " | 380 MiB (190 MiB) | 6.0 / 7.0 |\n")
                .doesNotContain("| 10 |");
        assertThat(BenchmarkTable.renderTime(folder))
                .as("runs that did not measure every process are left out; the floor's finish is its last pod's")
                .endsWith("| 10,000 | floor (pods created directly) | 900.0 s / 900.0 s | – | 100.0 / 10.0 / 5.0 / 20.0"
                        + " | 300.0 | – | 0.48 of 2 |\n"
                        + "| 10,000 | batch/v1 Jobs (Job controller) | 950.0 s / 1000.0 s | 8.00 s / 12.50 s / 13.25 s"
                        + " | 220.0 / 20.0 / 100.0 / 20.0 | 400.0 | – | 0.76 of 2 |\n"
                        + "| 10,000 | TrainingJobs (operator) | 1499.0 s / 1500.0 s | 0.06 s / 1.04 s / 2.60 s"
                        + " | 400.0 / 30.0 / 10.0 / 20.0 | 500.0 | 140.0 (JIT 30.0, GC 15.0, HTTP and watch decoding 50.0,"
                        + " reconciles 25.0, client executor 5.0, Events 4.0, other 11.0) | 0.73 of 2 |\n")
                .doesNotContain("| 1,000 |");
        assertThat(BenchmarkTable.renderRequests(folder))
                .as("only runs that counted requests job by job")
                .endsWith(
                        "| 10,000 | 6.50 | 7,500 jobs: 1.00 / 3.00 / 1.90 = 5.90 | 2,500 jobs: 1.00 / 4.00 / 1.90 = 6.90"
                                + " | 1.00 | 16 |\n")
                .doesNotContain("| 1,000 |");
        assertThat(BenchmarkTable.renderApiServer(folder))
                .as("only runs that profiled kube-apiserver; a phase or part not profiled is a dash")
                .contains(
                        "| 10,000 | all the profiler saw | 100.0 s | – | 400.0 s |\n"
                                + "| 10,000 | status writes of custom resources | 0.0 s (0 %) | – | 120.0 s (30 %), 3.2 ms per write |\n")
                .contains("| 10,000 | pod status writes (the kubelet) | 25.0 s (25 %) | – | 30.0 s (8 %) |\n")
                .contains("| 10,000 | in requests: CEL validation rules | – | – | 28.0 s (7 %) |\n")
                .doesNotContain("| 1,000 |");
        assertThat(BenchmarkTable.renderEndpoints(folder))
                .endsWith("| 500 | 40.0 s / 70.0 s (1.75x) | 9.50 | 300 MiB (40 MiB) | 5.0 / 6.0 |\n");
        assertThat(BenchmarkTable.renderTuning(folder))
                .endsWith("| 100 × 50 (5) | 300.0 s / 450.0 s (1.50x) | 16.7 / 11.1 | 12.25 | 350 MiB (90 MiB)"
                        + " | 5.5 / 6.5 |\n");
        assertThat(BenchmarkTable.renderSageMaker(folder))
                .endsWith("| 1,000 | 122 s | 2.28 | 0.15 | 500 | 15.2 s / 45.6 s / 69.1 s | 0 |\n");
    }
}
