package io.mlforge.sandbox.nodes;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** What the simulated containers printed, served through pods/log like a kubelet serves it. */
public final class PodLogs {
    private record Line(Instant at, String text) {}

    private final Map<String, List<Line>> logs = new ConcurrentHashMap<>();
    private final java.util.Set<String> finished = ConcurrentHashMap.newKeySet();

    private static String key(String namespace, String pod, String container) {
        return namespace + "/" + pod + "/" + container;
    }

    public void append(String namespace, String pod, String container, Instant at, String text) {
        List<Line> lines = logs.computeIfAbsent(key(namespace, pod, container), k -> new ArrayList<>());
        synchronized (lines) {
            lines.add(new Line(at, text));
        }
    }

    public void forget(String namespace, String pod) {
        logs.keySet().removeIf(k -> k.startsWith(namespace + "/" + pod + "/"));
        finished.removeIf(k -> k.startsWith(namespace + "/" + pod + "/"));
    }

    /** The container ended: a follower of its log stops. */
    public void finish(String namespace, String pod, String container) {
        finished.add(key(namespace, pod, container));
    }

    public boolean finished(String namespace, String pod, String container) {
        String key = key(namespace, pod, container);
        return finished.contains(key) || !logs.containsKey(key);
    }

    /**
     * The log of a container as the kubelet serves it: lines "timestamp text" when {@code timestamps}, from
     * {@code sinceTime} (inclusive, RFC 3339) on, at most {@code limitBytes} bytes. Empty if there is no such pod.
     */
    public Optional<String> read(
            String namespace,
            String pod,
            String container,
            String sinceTime,
            boolean timestamps,
            Integer limitBytes,
            Integer tailLines) {
        String name = container == null ? "trainer" : container;
        List<Line> lines = logs.get(key(namespace, pod, name));
        if (lines == null) {
            boolean podKnown = logs.keySet().stream().anyMatch(k -> k.startsWith(namespace + "/" + pod + "/"));
            return podKnown ? Optional.of("") : Optional.empty();
        }
        List<Line> copy;
        synchronized (lines) {
            copy = new ArrayList<>(lines);
        }
        Instant since = sinceTime == null ? null : Instant.parse(sinceTime);
        if (since != null) {
            copy.removeIf(l -> l.at().isBefore(since));
        }
        if (tailLines != null && copy.size() > tailLines) {
            copy = copy.subList(copy.size() - tailLines, copy.size());
        }
        StringBuilder out = new StringBuilder();
        for (Line line : copy) {
            String text = (timestamps ? line.at() + " " : "") + line.text() + "\n";
            if (limitBytes != null
                    && out.toString().getBytes(StandardCharsets.UTF_8).length + text.length() > limitBytes) {
                break;
            }
            out.append(text);
        }
        return Optional.of(out.toString());
    }
}
