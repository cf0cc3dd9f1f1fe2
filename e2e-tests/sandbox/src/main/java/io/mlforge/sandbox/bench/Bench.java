package io.mlforge.sandbox.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.mlforge.controlplane.ControlPlane;
import io.mlforge.sandbox.OperatorProcess;
import io.mlforge.sandbox.Sandbox;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** What the sandbox benchmarks share: parallel creation, waiting, the operator's meters, figures and their JSON. */
final class Bench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Bench() {}

    interface Task {
        void run(int i) throws Exception;
    }

    /**
     * Runs {@code task} for 0..n-1 on 16 client threads. A failed request (a timeout of a loaded API server) is
     * retried after a pause, up to 5 times, as a client that must create everything would; an object that exists
     * already (409, created by a try that timed out) counts as created.
     */
    static void parallel(int n, Task task) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        for (int i = 0; i < n; i++) {
            int index = i;
            pool.submit(() -> {
                for (int attempt = 1; attempt <= 5; attempt++) {
                    try {
                        task.run(index);
                        return;
                    } catch (KubernetesClientException e) {
                        if (e.getCode() == 409) {
                            return;
                        }
                        System.err.println("request " + index + " failed (try " + attempt + "): " + e.getMessage());
                    } catch (Exception e) {
                        System.err.println("request " + index + " failed (try " + attempt + "): " + e.getMessage());
                    }
                    try {
                        Thread.sleep(1000L * attempt);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.MINUTES);
    }

    /** An informer handler that passes every object added and every new version of an updated one to {@code seen}. */
    static <T> ResourceEventHandler<T> onAddOrUpdate(Consumer<T> seen) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                seen.accept(object);
            }

            @Override
            public void onUpdate(T oldObject, T newObject) {
                seen.accept(newObject);
            }

            @Override
            public void onDelete(T object, boolean deletedFinalStateUnknown) {}
        };
    }

    /** Creates the objects of a YAML document in namespace default, as kubectl create would. */
    static void create(KubernetesClient client, String yaml) {
        client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .inNamespace("default")
                .create();
    }

    /** A line as each phase ends, so that a long run that is stopped still tells how far it got. */
    static void progress(String what, double seconds) {
        System.out.printf(Locale.ROOT, "%s after %.1f s (load %.1f)%n", what, seconds, loadAverage());
    }

    /** Seconds since {@code start} once {@code condition} holds (checked every 250 ms, at most 90 minutes). */
    static double waitFor(long start, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after 90 minutes");
            }
            Thread.sleep(250);
        }
        return seconds(start);
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
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
            return " /s";
        } else if (name.startsWith("operator_api_requests")) {
            return " requests";
        }
        return "";
    }

    /**
     * How long the simulated kubelet took to take on the phase's pods (bound to first status written): p50, p95 and
     * max, as {@code <phase>_kubelet_touch_*_seconds}. A real node's kubelet does this within about a second; a pod
     * that waits longer shows up late everywhere after it (and, past 10 s, as a TrainingJob in phase Starting).
     */
    static void kubeletTouch(Sandbox sandbox, Map<String, Object> figures, String phase) {
        List<Long> delays = sandbox.kubelet().drainTouchDelays();
        if (delays.isEmpty()) {
            return;
        }
        putDistribution(
                figures,
                phase + "_kubelet_touch",
                delays.stream().map(ms -> ms / 1000.0).toList());
    }

    /**
     * {@code <name>_p50_seconds}, {@code <name>_p95_seconds} and {@code <name>_max_seconds} of durations in seconds
     * (nearest rank); nothing when there are none.
     */
    static void putDistribution(Map<String, Object> figures, String name, List<Double> seconds) {
        if (seconds.isEmpty()) {
            return;
        }
        List<Double> sorted = seconds.stream().sorted().toList();
        figures.put(name + "_p50_seconds", round(percentile(sorted, 0.50)));
        figures.put(name + "_p95_seconds", round(percentile(sorted, 0.95)));
        figures.put(name + "_max_seconds", round(sorted.get(sorted.size() - 1)));
    }

    /** The nearest-rank percentile {@code p} of sorted values; NaN when there are none. */
    static double percentile(List<Double> sorted, double p) {
        return sorted.isEmpty()
                ? Double.NaN
                : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
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

    /** Prints every plain figure as "name: value unit", writes them to {@code out/file}, returns the file. */
    static Path report(Path out, String file, Map<String, Object> figures) throws IOException {
        System.out.println();
        figures.forEach((name, value) -> {
            if (!(value instanceof Map)) {
                System.out.println(name + ": " + value + unit(name));
            }
        });
        Path summary = out.resolve(file);
        Files.writeString(summary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        System.out.println("summary: " + summary);
        System.out.println();
        return summary;
    }

    /**
     * CPU seconds over a measured phase of every process on the machine's cores but the operator (which {@link
     * OperatorMeter} counts): the control plane's components and this JVM (the simulated nodes and kubelet, the
     * benchmark's client and informers). Together they say where the phase's core-seconds went.
     */
    record ControlPlaneMeter(ControlPlane controlPlane, Map<String, Duration> before, ApiServerProfile profile) {
        /** Length of each kube-apiserver CPU profile window. */
        private static final Duration PROFILE_WINDOW = Duration.ofSeconds(10);

        /** This JVM: the simulated nodes and kubelet, the benchmark's client and informers. */
        private static final String SANDBOX = "sandbox";

        /** Component, and the figure's name after the phase's prefix. */
        private static final Map<String, String> FIGURES = Map.of(
                "kube-apiserver",
                "_apiserver_cpu_seconds",
                "etcd",
                "_etcd_cpu_seconds",
                "kube-controller-manager",
                "_controller_manager_cpu_seconds",
                "kube-scheduler",
                "_scheduler_cpu_seconds",
                SANDBOX,
                "_sandbox_cpu_seconds");

        static ControlPlaneMeter start(ControlPlane controlPlane) throws IOException {
            return new ControlPlaneMeter(
                    controlPlane, cpuTimes(controlPlane), ApiServerProfile.start(controlPlane, PROFILE_WINDOW));
        }

        private static Map<String, Duration> cpuTimes(ControlPlane controlPlane) {
            Map<String, Duration> times = new TreeMap<>();
            for (String component : FIGURES.keySet()) {
                Duration time = component.equals(SANDBOX)
                        ? ProcessHandle.current().info().totalCpuDuration().orElse(null)
                        : controlPlane.cpuTime(component);
                if (time != null) {
                    times.put(component, time);
                }
            }
            return times;
        }

        /**
         * Puts each component's CPU seconds over the phase and, from the profile, kube-apiserver's seconds by part
         * ({@code <prefix>_apiserver_cpu_seconds_by_part}, see {@link ApiServerProfile#PARTS}).
         */
        void finish(Map<String, Object> figures, String prefix) throws IOException, InterruptedException {
            Map<String, Duration> after = cpuTimes(controlPlane);
            before.forEach((component, start) -> {
                Duration end = after.get(component);
                if (end != null) {
                    figures.put(
                            prefix + FIGURES.get(component),
                            round(end.minus(start).toMillis() / 1000.0));
                }
            });
            Map<String, Double> byPath = profile.finish();
            if (!byPath.isEmpty()) {
                figures.put(prefix + "_apiserver_cpu_seconds_by_part", byPath);
            }
        }
    }

    /**
     * The operator's cost over a measured phase: peak RSS (sampled every 250 ms), CPU time, live heap at the end
     * (every object still cached) and its API requests from kube-apiserver's audit log, by verb and resource.
     */
    static final class OperatorMeter {
        private final Sandbox sandbox;
        private final AtomicLong peakRss;
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        private final Duration cpuBefore;
        private final Map<Long, OperatorProcess.ThreadCpu> threadsBefore;
        /** The last CPU seen of every thread, kept for threads that end before the phase does (JIT compilers may). */
        private final Map<Long, OperatorProcess.ThreadCpu> threadsSeen = new ConcurrentHashMap<>();

        OperatorMeter(Sandbox sandbox) throws IOException {
            this.sandbox = sandbox;
            this.peakRss = new AtomicLong(sandbox.operator().residentBytes());
            this.threadsBefore = sandbox.operator().threadCpuTimes();
            AtomicLong ticks = new AtomicLong();
            sampler.scheduleAtFixedRate(
                    () -> {
                        OperatorProcess operator = sandbox.operator(); // null while restarted
                        if (operator != null) {
                            peakRss.accumulateAndGet(operator.residentBytes(), Math::max);
                            if (ticks.incrementAndGet() % 4 == 0) {
                                threadsSeen.putAll(operator.threadCpuTimes());
                            }
                        }
                    },
                    0,
                    250,
                    TimeUnit.MILLISECONDS);
            this.cpuBefore = sandbox.operator().cpuTime();
            sandbox.controlPlane().resetRequests();
        }

        /**
         * The operator's requests once it has gone quiet: the work is done when the last job's status says so, but the
         * Events of the last transitions are posted from a queue after that (a run counted at that moment missed up to
         * half of them). Quiet: no new request for {@link #QUIET}, waited for at most {@link #SETTLE_LIMIT}.
         */
        private List<ControlPlane.AuditedRequest> settledRequests() throws IOException, InterruptedException {
            String user = sandbox.operatorIdentity().userName();
            List<ControlPlane.AuditedRequest> requests = sandbox.controlPlane().requestsUpToNow(user);
            long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(QUIET.toMillis());
                List<ControlPlane.AuditedRequest> later = sandbox.controlPlane().requestsUpToNow(user);
                if (later.size() == requests.size()) {
                    return later;
                }
                requests = later;
            }
            return requests;
        }

        private static final Duration QUIET = Duration.ofSeconds(3);
        private static final Duration SETTLE_LIMIT = Duration.ofSeconds(60);

        /**
         * Stops sampling and puts the operator's figures, requests per {@code unit} of work among them; returns the
         * requests counted.
         */
        List<ControlPlane.AuditedRequest> finish(Map<String, Object> figures, int units, String unitName)
                throws IOException, InterruptedException {
            Duration cpuAfter = sandbox.operator().cpuTime();
            sampler.shutdownNow();
            threadsSeen.putAll(sandbox.operator().threadCpuTimes());
            Map<String, Long> byVerb = new TreeMap<>();
            List<ControlPlane.AuditedRequest> settled = settledRequests();
            settled.forEach(r -> byVerb.merge(r.verb() + " " + r.fullResource(), 1L, Long::sum));
            long requests = byVerb.values().stream().mapToLong(Long::longValue).sum();
            figures.put("operator_load_average_1m", loadAverage());
            figures.put("operator_rss_peak_mib", peakRss.get() / (1024 * 1024));
            // With every object still in the caches: what a heap cap has to hold.
            figures.put("operator_live_heap_mib", sandbox.operator().liveHeapBytes() / (1024 * 1024));
            if (cpuBefore != null && cpuAfter != null) {
                double cpu = cpuAfter.minus(cpuBefore).toMillis() / 1000.0;
                figures.put("operator_cpu_seconds", round(cpu));
                figures.put("operator_cpu_seconds_by_thread", OperatorThreads.seconds(threadsBefore, threadsSeen, cpu));
            }
            figures.put("operator_api_requests_total", requests);
            figures.put("operator_api_requests_per_" + unitName, round((double) requests / units));
            figures.put("operator_api_requests_by_verb_and_resource", byVerb);
            return settled;
        }
    }
}
