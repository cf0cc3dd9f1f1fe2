package io.mlforge.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The packaged operator (operator/target/quarkus-app) as a separate process, pointed at the sandbox by kubeconfig. */
public final class OperatorProcess implements AutoCloseable {
    private final Process process;
    private final int httpPort;
    private final Path log;

    private OperatorProcess(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /** Environment variable with extra JVM options for the operator process (space-separated). */
    public static final String JVM_OPTIONS_ENV = "MLFORGE_OPERATOR_JVM_OPTIONS";

    /** The image's own JVM memory options (Dockerfile.jvm's JAVA_OPTS_APPEND; a test checks they are the same). */
    static final List<String> IMAGE_MEMORY_OPTIONS = List.of(
            "-XX:MaxNewSize=32m",
            "-XX:MinHeapFreeRatio=20",
            "-XX:MaxHeapFreeRatio=40",
            "-XX:TrimNativeHeapInterval=5000");

    /** Starts the operator and waits until it reports ready. */
    public static OperatorProcess start(
            Path repoRoot, Path kubeconfig, Map<String, String> env, Path log, Duration timeout)
            throws IOException, InterruptedException {
        return start(List.of(), freePort(), null, repoRoot, kubeconfig, env, log, timeout);
    }

    /**
     * Starts the operator inside a network namespace, listening on {@code network}'s first inside port; health
     * probes go through the namespace's relay.
     */
    public static OperatorProcess startIn(
            io.mlforge.sandbox.netns.NetworkNamespace network,
            Path repoRoot,
            Path kubeconfig,
            Map<String, String> env,
            Path log,
            Duration timeout)
            throws IOException, InterruptedException {
        int port = network.insidePorts().get(0);
        return start(network.exec(), port, network.hostPort(port), repoRoot, kubeconfig, env, log, timeout);
    }

    private static OperatorProcess start(
            List<String> prefix,
            int port,
            Integer probePort,
            Path repoRoot,
            Path kubeconfig,
            Map<String, String> env,
            Path log,
            Duration timeout)
            throws IOException, InterruptedException {
        Path jar = repoRoot.resolve("operator/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(
                    jar + " does not exist: build the operator first (./mvnw -pl operator -am package -DskipTests)");
        }
        // The memory settings of the image under the chart's default limit (512Mi), with the JVM sizing its heap as in
        // that container: MaxRAM is the limit, so the heap starts at 8 MiB and grows to at most 256 MiB (a bare -Xmx
        // on a large machine starts it at 256 MiB: the whole heap resident, 332 against 275 MiB RSS with 1,000 jobs).
        // The young generation capped and the heap kept at most 40 % free, native heap trimmed every 5 s and
        // MALLOC_ARENA_MAX=2 (below): all as in operator/src/main/docker/Dockerfile.jvm.
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-XX:MaxRAM=512m", "-XX:MaxRAMPercentage=50", "-XX:+UseSerialGC"));
        command.addAll(IMAGE_MEMORY_OPTIONS);
        // Extra JVM options for the operator alone, e.g. a flight recording while a benchmark runs.
        String extra = System.getenv(JVM_OPTIONS_ENV);
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().putAll(env);
        OperatorProcess operator = new OperatorProcess(builder.start(), probePort == null ? port : probePort, log);
        operator.awaitReady(timeout);
        return operator;
    }

    private void awaitReady(Duration timeout) throws InterruptedException, IOException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the operator exited with code " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(url("/q/health/ready")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the operator did not become ready within " + timeout + "; see " + log);
    }

    /** One liveness probe (GET /q/health/live answered 200 within 5 s), as the chart's livenessProbe. */
    public boolean live() {
        return probe("/q/health/live");
    }

    /** One readiness probe (GET /q/health/ready answered 200 within 5 s), as the chart's readinessProbe. */
    public boolean ready() {
        return probe("/q/health/ready");
    }

    private boolean probe(String path) {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url(path)))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    public long pid() {
        return process.pid();
    }

    /** Resident memory of the operator process in bytes (Linux /proc), or -1. */
    public long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Bytes of live objects on the operator's heap: {@code jcmd PID GC.class_histogram} runs a full collection and
     * totals what survives (the caches and everything reachable). -1 if jcmd fails. Used by the benchmarks to
     * size the heap cap from the live set rather than from RSS, which follows whatever heap the JVM was allowed.
     */
    public long liveHeapBytes() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process histogram = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram")
                    .redirectErrorStream(true)
                    .start();
            String output =
                    new String(histogram.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (histogram.waitFor() != 0) {
                return -1;
            }
            for (String line : output.lines().toList()) {
                String trimmed = line.trim();
                if (trimmed.startsWith("Total")) {
                    String[] parts = trimmed.split("\\s+");
                    return Long.parseLong(parts[parts.length - 1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        return -1;
    }

    /** One thread of the operator: its name as Linux keeps it (at most 15 characters) and the CPU it has used. */
    public record ThreadCpu(String name, Duration cpu) {}

    /**
     * The CPU each live thread of the operator has used (user + system), by thread id, from /proc/PID/task; empty
     * where /proc cannot be read. A thread that ends is missing from later calls.
     */
    public Map<Long, ThreadCpu> threadCpuTimes() {
        return threadCpuTimes(pid());
    }

    static Map<Long, ThreadCpu> threadCpuTimes(long pid) {
        Map<Long, ThreadCpu> threads = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    threads.put(
                            Long.parseLong(task.getFileName().toString()),
                            new ThreadCpu(
                                    Files.readString(task.resolve("comm")).strip(),
                                    statCpu(Files.readString(task.resolve("stat")))));
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return threads;
    }

    /**
     * User + system time from a /proc/.../stat line: fields 14 and 15, in clock ticks of 1/100 s (USER_HZ), counted
     * after the command name, which is in parentheses and may itself hold spaces and parentheses.
     */
    static Duration statCpu(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Duration.ofMillis(10 * (Long.parseLong(fields[11]) + Long.parseLong(fields[12])));
    }

    /** CPU time the operator process has used (user + system), from /proc, or null. */
    public Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(null);
    }

    public Path log() {
        return log;
    }

    private static int freePort() throws IOException {
        return io.mlforge.controlplane.LoopbackPorts.free();
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(Duration.ofSeconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
        }
    }
}
