package io.mlforge.sandbox.bench;

import io.mlforge.controlplane.ControlPlane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kube-apiserver spent its CPU on over a benchmark phase. Go's sampling profiler (100 Hz, served by kube-apiserver
 * at {@code /debug/pprof/profile} to the admin) records consecutive windows while the phase runs; at its end they are
 * merged into {@code apiserver-cpu.pb.gz} in the control plane's directory (open it with {@code go tool pprof}) and
 * {@code go tool pprof -focus} gives the seconds spent in the stacks that pass through each {@link #PARTS part}.
 *
 * <p>The parts overlap on purpose: a custom resource's status write includes its CEL validation, its schema validation
 * and its managed fields. {@code profiled} is everything the profiler saw, to set each part against.
 */
final class ApiServerProfile {
    /**
     * One thing kube-apiserver spends CPU on: the figure's name, what it is in the table, and the regular expression
     * over function names (pprof's {@code -focus}) whose stacks it counts.
     */
    record Part(String name, String description, String focus) {}

    /**
     * The parts, in the order a reader goes through them: requests by what they were for, work in and behind them.
     * kube-apiserver does a write's storage work in a goroutine of its own, whose stack starts at a closure named after
     * the handler that made it ({@code (*crdHandler).serveStatus.UpdateResource.func2}), not under {@code ServeHTTP};
     * the expressions match those names.
     */
    static final List<Part> PARTS = List.of(
            new Part(
                    "custom_resource_status_writes",
                    "status writes of custom resources",
                    "apiextensions-apiserver/pkg/apiserver\\.\\(\\*crdHandler\\)\\.serveStatus"),
            new Part(
                    "custom_resource_requests",
                    "all requests for custom resources",
                    "apiextensions-apiserver/pkg/apiserver\\.\\(\\*crdHandler\\)\\."),
            new Part(
                    "pod_status_writes",
                    "pod status writes (the kubelet)",
                    "registry/core/pod/storage\\.\\(\\*StatusREST\\)"),
            new Part("creates", "creates (any resource)", "CreateResource\\.createHandler"),
            new Part(
                    "watches_served",
                    "sending watch events",
                    "endpoints/handlers\\.(serveWatch|handleWatch|\\(\\*WatchServer\\))"),
            new Part("lists", "list and watch requests (a watch is a list)", "(handlers|serveResource)\\.ListResource"),
            new Part(
                    "cel_validation",
                    "in requests: CEL validation rules",
                    "apiextensions-apiserver/pkg/apiserver/schema/cel\\.\\(\\*Validator\\)\\.Validate$"),
            new Part(
                    "schema_validation",
                    "in requests: OpenAPI schema validation",
                    "kube-openapi/pkg/validation/validate"),
            new Part("managed_fields", "in requests: managed fields", "apimachinery/pkg/util/managedfields/internal"),
            new Part(
                    "etcd_watch_decoding",
                    "behind requests: decoding etcd's watch events",
                    "storage/etcd3\\.\\(\\*watchChan\\)"),
            new Part("garbage_collection", "behind requests: Go's garbage collector", "^runtime\\.gcBgMarkWorker$"));

    /** Length of one profile; the last one ends at most this long after the phase. */
    private final Duration window;

    private final ControlPlane controlPlane;
    private final Path dir;
    private final Thread recorder;
    private final List<Path> windows = new ArrayList<>();
    private volatile boolean stopping;
    private volatile String failure;

    private ApiServerProfile(ControlPlane controlPlane, Path dir, Duration window) {
        this.controlPlane = controlPlane;
        this.dir = dir;
        this.window = window;
        this.recorder = new Thread(this::record, "apiserver-profile");
        this.recorder.setDaemon(true);
    }

    /** Starts profiling kube-apiserver in consecutive windows of {@code window} (whole seconds, at least 1). */
    static ApiServerProfile start(ControlPlane controlPlane, Duration window) throws IOException {
        Path dir = Files.createDirectories(controlPlane.workDir().resolve("apiserver-profiles"));
        ApiServerProfile profile = new ApiServerProfile(controlPlane, dir, window);
        profile.recorder.start();
        return profile;
    }

    private void record() {
        long seconds = Math.max(1, window.toSeconds());
        while (!stopping) {
            Path file = dir.resolve("window-" + windows.size() + ".pb.gz");
            try {
                Process kubectl = new ProcessBuilder(
                                controlPlane.kubectl().toString(),
                                "--kubeconfig",
                                controlPlane.adminKubeconfig().toString(),
                                "get",
                                "--raw",
                                "/debug/pprof/profile?seconds=" + seconds)
                        .redirectOutput(file.toFile())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!kubectl.waitFor(seconds + 30, TimeUnit.SECONDS)) {
                    kubectl.destroyForcibly();
                    failure = "a profile of " + seconds + " s took longer than " + (seconds + 30) + " s";
                    return;
                }
                if (kubectl.exitValue() != 0 || Files.size(file) == 0) {
                    failure = "kubectl get --raw /debug/pprof/profile exited with " + kubectl.exitValue();
                    return;
                }
                synchronized (windows) {
                    windows.add(file);
                }
            } catch (IOException e) {
                failure = e.toString();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Waits for the window under way, merges the windows and returns the seconds of each part plus {@code profiled}
     * (rounded to 0.01 s); empty, with the reason on stderr, when there is no profile (kubectl or go missing).
     */
    Map<String, Double> finish() throws IOException, InterruptedException {
        stopping = true;
        recorder.join(window.toMillis() + 40_000);
        List<Path> recorded;
        synchronized (windows) {
            recorded = List.copyOf(windows);
        }
        if (recorded.isEmpty()) {
            System.err.println("kube-apiserver was not profiled: " + failure);
            return Map.of();
        }
        Path merged = dir.resolve("apiserver-cpu.pb.gz");
        List<String> merge = new ArrayList<>(List.of("go", "tool", "pprof", "-proto", "-output", merged.toString()));
        recorded.forEach(f -> merge.add(f.toString()));
        if (pprof(merge) == null) {
            return Map.of();
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        String all = pprof(List.of("go", "tool", "pprof", "-top", "-nodecount=1", "-unit=ms", merged.toString()));
        if (all == null) {
            return Map.of();
        }
        seconds.put("profiled", round(totalMillis(all) / 1000));
        for (Part part : PARTS) {
            String top = pprof(List.of(
                    "go",
                    "tool",
                    "pprof",
                    "-top",
                    "-nodecount=1000000",
                    "-nodefraction=0",
                    "-edgefraction=0",
                    "-unit=ms",
                    "-focus=" + part.focus(),
                    merged.toString()));
            if (top == null) {
                return Map.of();
            }
            seconds.put(part.name(), round(focusedMillis(top) / 1000));
        }
        return seconds;
    }

    /** pprof's standard output, or null (said on stderr) when it failed. */
    private static String pprof(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            System.err.println(String.join(" ", command) + " failed: " + output);
            return null;
        }
        return output;
    }

    private static final Pattern SHOWING =
            Pattern.compile("Showing nodes accounting for ([0-9.]+)(?:ms)?, [0-9.]+% of ([0-9.]+)(?:ms)? total");

    /**
     * Milliseconds in the stacks {@code -focus} kept: pprof's "Showing nodes accounting for X" when every node is
     * shown (no node count or fraction limit), 0 when the focus matched nothing.
     */
    static double focusedMillis(String pprofTop) {
        Matcher m = SHOWING.matcher(pprofTop);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Milliseconds of CPU the profile holds: pprof's "of T total". */
    static double totalMillis(String pprofTop) {
        Matcher m = SHOWING.matcher(pprofTop);
        if (m.find()) {
            return Double.parseDouble(m.group(2));
        }
        Matcher samples = Pattern.compile("Total samples = ([0-9.]+)ms").matcher(pprofTop);
        return samples.find() ? Double.parseDouble(samples.group(1)) : 0;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
