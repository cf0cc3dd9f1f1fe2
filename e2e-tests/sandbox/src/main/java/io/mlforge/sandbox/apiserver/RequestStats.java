package io.mlforge.sandbox.apiserver;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests the embedded API server answered, by client and by verb and resource. The sandbox's own clients send
 * {@value #CLIENT_HEADER}; everything else (the operator, kubectl) counts as "external".
 */
public final class RequestStats {
    public static final String CLIENT_HEADER = "X-Mlforge-Client";
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void record(String client, String verb, String resource) {
        counts.computeIfAbsent(client + " " + verb + " " + resource, k -> new LongAdder()).increment();
    }

    /** Requests of one client ("external" or "sandbox"), all verbs and resources. */
    public long total(String client) {
        return counts.entrySet().stream().filter(e -> e.getKey().startsWith(client + " ")).mapToLong(e -> e.getValue().sum()).sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> result = new TreeMap<>();
        counts.forEach((k, v) -> result.put(k, v.sum()));
        return result;
    }

    public void reset() {
        counts.clear();
    }
}
