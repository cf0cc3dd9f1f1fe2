package io.mlforge.sandbox.nodes;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.Map;

/**
 * Faults injected into a simulated pod through its annotations (set them with a TrainingJob's
 * {@code kubernetes.podAnnotations}). Times count from the moment the pod runs. By default a fault hits only the
 * first attempt's rank-0 pod, so the job's recovery can be watched: {@code fault-attempts} and {@code fault-rank}
 * ("all") widen it.
 * <ul>
 *   <li>{@code sandbox.mlforge.io/evict-after: "5"}: the kubelet evicts the pod (node pressure);</li>
 *   <li>{@code sandbox.mlforge.io/oom-after: "5"}: the trainer is OOM-killed;</li>
 *   <li>{@code sandbox.mlforge.io/fail-after: "5"} (+ {@code exit-code}, {@code termination-message}): the trainer exits non-zero;</li>
 *   <li>{@code sandbox.mlforge.io/node-loss-after: "5"}: the node goes away with all its pods;</li>
 *   <li>{@code sandbox.mlforge.io/slow-pull: "20"}: the image pull backs off this long first.</li>
 * </ul>
 */
public record Faults(
        Duration evictAfter,
        Duration oomAfter,
        Duration failAfter,
        int exitCode,
        String terminationMessage,
        Duration nodeLossAfter,
        Duration slowPull) {
    public static final String PREFIX = "sandbox.mlforge.io/";
    private static final Faults NONE = new Faults(null, null, null, 1, null, null, null);

    public static Faults of(Pod pod) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        if (a == null || a.keySet().stream().noneMatch(k -> k.startsWith(PREFIX))) {
            return NONE;
        }
        Map<String, String> labels = pod.getMetadata().getLabels() == null
                ? Map.of()
                : pod.getMetadata().getLabels();
        int maxAttempt = Integer.parseInt(a.getOrDefault(PREFIX + "fault-attempts", "1"));
        String attemptName = labels.getOrDefault("mlforge.io/attempt", "x-1");
        int attempt = Integer.parseInt(attemptName.substring(attemptName.lastIndexOf('-') + 1));
        String rank = a.getOrDefault(PREFIX + "fault-rank", "0");
        boolean rankMatches = rank.equals("all") || rank.equals(labels.getOrDefault("mlforge.io/replica-index", "0"));
        if (attempt > maxAttempt || !rankMatches) {
            return NONE;
        }
        return new Faults(
                seconds(a, "evict-after"),
                seconds(a, "oom-after"),
                seconds(a, "fail-after"),
                Integer.parseInt(a.getOrDefault(PREFIX + "exit-code", "1")),
                a.get(PREFIX + "termination-message"),
                seconds(a, "node-loss-after"),
                seconds(a, "slow-pull"));
    }

    /** Fault times at the sandbox's speed (0.5: twice as fast). */
    public Faults scaled(double factor) {
        return new Faults(
                scale(evictAfter, factor),
                scale(oomAfter, factor),
                scale(failAfter, factor),
                exitCode,
                terminationMessage,
                scale(nodeLossAfter, factor),
                scale(slowPull, factor));
    }

    private static Duration scale(Duration d, double factor) {
        return d == null ? null : Duration.ofMillis(Math.max(1, (long) (d.toMillis() * factor)));
    }

    private static Duration seconds(Map<String, String> a, String key) {
        String v = a.get(PREFIX + key);
        return v == null ? null : Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
    }
}
