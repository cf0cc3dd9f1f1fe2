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
 * Renders the README's TrainingJob benchmark table from the benchmark's JSON files
 * ({@code e2e-tests/sandbox/target/benchmark/trainingjobs-N.json}), one row per run, so the README's figures are the
 * JSON's. The TrainingJob benchmark prints it after each run; {@link #main} prints it for the files in a folder.
 */
public final class BenchmarkTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchmarkTable() {}

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args.length > 0 ? args[0] : "e2e-tests/sandbox/target/benchmark");
        System.out.println(render(folder));
    }

    /** The table for every {@code trainingjobs-N.json} in {@code folder}, by N. */
    public static String render(Path folder) throws IOException {
        List<JsonNode> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("trainingjobs-\\d+\\.json"))
                    .toList()) {
                JsonNode run = JSON.readTree(file.toFile());
                if (run.path("pods_exist_ratio").isNumber()) { // runs in the current format only
                    runs.add(run);
                }
            }
        }
        runs.sort(Comparator.comparingInt(r -> r.path("jobs").asInt()));
        StringBuilder table = new StringBuilder();
        table.append("| jobs | all pods exist: floor / operator (ratio) | all finished: floor / operator (ratio)"
                + " | creation rate: floor / operator | API requests per job | operator peak RSS | load (1 min)"
                + " |\n");
        table.append("|---:|---|---|---|---:|---:|---|\n");
        for (JsonNode r : runs) {
            table.append(String.format(
                    Locale.ROOT,
                    "| %,d | %.1f s / %.1f s (%.2fx) | %.1f s / %.1f s (%.2fx) | %.0f / %.0f jobs/s | %.2f | %d MiB"
                            + " | %.1f / %.1f |\n",
                    r.path("jobs").asInt(),
                    r.path("floor_pods_exist_seconds").asDouble(),
                    r.path("operator_pods_exist_seconds").asDouble(),
                    r.path("pods_exist_ratio").asDouble(),
                    r.path("floor_all_finished_seconds").asDouble(),
                    r.path("operator_all_finished_seconds").asDouble(),
                    r.path("all_finished_ratio").asDouble(),
                    r.path("floor_creation_rate_per_second").asDouble(),
                    r.path("operator_creation_rate_per_second").asDouble(),
                    r.path("operator_api_requests_per_job").asDouble(),
                    r.path("operator_rss_peak_mib").asLong(),
                    r.path("floor_load_average_1m").asDouble(),
                    r.path("operator_load_average_1m").asDouble()));
        }
        return table.toString();
    }
}
