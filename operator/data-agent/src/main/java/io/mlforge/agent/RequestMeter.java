package io.mlforge.agent;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a serving pod's request router counts, in Prometheus' text format: requests in flight (the concurrency
 * autoscaling target), requests answered by status class (their rate is the requests-per-second target) and the time
 * they took. Every series carries the pod's namespace, endpoint and variant, so autoscaler queries select a variant
 * without relabelling in the scrape configuration.
 */
public final class RequestMeter {
    /** Gauge: requests received and not yet answered. */
    public static final String IN_FLIGHT = "mlforge_serving_requests_in_flight";
    /** Counter: requests answered, by status class (label code: 2xx, 4xx, 5xx). */
    public static final String REQUESTS = "mlforge_serving_requests_total";

    public static final String DURATION = "mlforge_serving_request_duration_seconds";
    /** Labels on every series, set by the operator: the pod's namespace, endpoint and variant. */
    public static final String NAMESPACE_LABEL = "mlforge_namespace";

    public static final String ENDPOINT_LABEL = "mlforge_endpoint";
    public static final String VARIANT_LABEL = "mlforge_variant";

    private final String labels;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, LongAdder> answered = new ConcurrentHashMap<>();
    private final LongAdder nanos = new LongAdder();
    private final LongAdder count = new LongAdder();

    /** {@code labels}: "name=value,name=value" (values without commas or quotes). */
    public RequestMeter(String labels) {
        StringBuilder out = new StringBuilder();
        if (labels != null && !labels.isBlank()) {
            for (String pair : labels.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("metric label '" + pair + "' is not name=value");
                }
                if (!out.isEmpty()) {
                    out.append(',');
                }
                out.append(pair, 0, eq)
                        .append("=\"")
                        .append(escape(pair.substring(eq + 1)))
                        .append('"');
            }
        }
        this.labels = out.toString();
    }

    /** A request came in; call {@link #finished} when it is answered. */
    public long started() {
        inFlight.incrementAndGet();
        return System.nanoTime();
    }

    public void finished(long startedNanos, int status) {
        inFlight.decrementAndGet();
        answered.computeIfAbsent((status / 100) + "xx", k -> new LongAdder()).increment();
        nanos.add(System.nanoTime() - startedNanos);
        count.increment();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** The exposition: https://prometheus.io/docs/instrumenting/exposition_formats/ */
    public String scrape() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP ").append(IN_FLIGHT).append(" Requests received and not yet answered.\n");
        out.append("# TYPE ").append(IN_FLIGHT).append(" gauge\n");
        out.append(IN_FLIGHT)
                .append(with(""))
                .append(' ')
                .append(inFlight.get())
                .append('\n');
        out.append("# HELP ").append(REQUESTS).append(" Requests answered, by status class.\n");
        out.append("# TYPE ").append(REQUESTS).append(" counter\n");
        new TreeMap<>(answered)
                .forEach((code, n) -> out.append(REQUESTS)
                        .append(with("code=\"" + code + "\""))
                        .append(' ')
                        .append(n.sum())
                        .append('\n'));
        out.append("# HELP ").append(DURATION).append(" Time from request to answer.\n");
        out.append("# TYPE ").append(DURATION).append(" summary\n");
        out.append(DURATION)
                .append("_sum")
                .append(with(""))
                .append(' ')
                .append(nanos.sum() / 1e9)
                .append('\n');
        out.append(DURATION)
                .append("_count")
                .append(with(""))
                .append(' ')
                .append(count.sum())
                .append('\n');
        return out.toString();
    }

    private String with(String extra) {
        if (labels.isEmpty() && extra.isEmpty()) {
            return "";
        }
        return "{" + labels + (labels.isEmpty() || extra.isEmpty() ? "" : ",") + extra + "}";
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
