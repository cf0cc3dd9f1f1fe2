package io.mlforge.sandbox.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How far a controller's report trails the pods it runs: when the benchmark's informers first saw each job's pod
 * succeed and the job itself report completion. The last pod's time says how long the pods themselves took (the
 * simulated kubelet's part); the lag per job is what the controller added after that (watch, reconcile, status write,
 * watch again).
 */
final class CompletionLag {
    private final long start;
    private final Map<String, Long> podSucceeded = new ConcurrentHashMap<>();
    private final Map<String, Long> jobFinished = new ConcurrentHashMap<>();

    /** A pod in phase Succeeded. */
    static boolean podSucceeded(Pod pod) {
        return pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
    }

    /** Times are counted from {@code startNanos} ({@link System#nanoTime()}). */
    CompletionLag(long startNanos) {
        this.start = startNanos;
    }

    /** Records the first time a pod of job {@code jobOf(pod)} is seen succeeded. */
    <P> ResourceEventHandler<P> pods(Function<P, String> jobOf, Predicate<P> succeeded) {
        return handler(podSucceeded, jobOf, succeeded);
    }

    /** Records the first time job {@code nameOf(job)} is seen finished. */
    <J> ResourceEventHandler<J> jobs(Function<J, String> nameOf, Predicate<J> finished) {
        return handler(jobFinished, nameOf, finished);
    }

    private static <T> ResourceEventHandler<T> handler(
            Map<String, Long> seen, Function<T, String> key, Predicate<T> done) {
        return Bench.onAddOrUpdate(object -> {
            if (done.test(object)) {
                String name = key.apply(object);
                if (name != null) {
                    seen.putIfAbsent(name, System.nanoTime());
                }
            }
        });
    }

    /**
     * {@code <phase>_pods_succeeded_seconds} (the last pod seen succeeded) and
     * {@code <phase>_status_lag_{p50,p95,max}_seconds} (job seen finished minus its pod seen succeeded).
     */
    void report(Map<String, Object> figures, String phase) {
        if (!podSucceeded.isEmpty()) {
            long last = Collections.max(podSucceeded.values());
            figures.put(phase + "_pods_succeeded_seconds", Bench.round((last - start) / 1e9));
        }
        List<Double> lags = new ArrayList<>();
        jobFinished.forEach((job, finished) -> {
            Long succeeded = podSucceeded.get(job);
            if (succeeded != null) {
                lags.add(Math.max(0, finished - succeeded) / 1e9);
            }
        });
        Bench.putDistribution(figures, phase + "_status_lag", lags);
    }
}
