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

        assertThat(BenchmarkTable.render(folder))
                .as("a file in an older format is left out")
                .endsWith("| 1,000 | 17.7 s / 75.7 s (4.28x) | 74.7 s / 207.6 s (2.78x) | 57 / 13 jobs/s | 7.02"
                        + " | 405 MiB | 6.2 / 6.4 |\n")
                .doesNotContain("| 10 |");
        assertThat(BenchmarkTable.renderSageMaker(folder))
                .endsWith("| 1,000 | 122 s | 2.28 | 0.15 | 500 | 15.2 s / 45.6 s / 69.1 s | 0 |\n");
    }
}
