package io.mlforge.operator.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Since when each event source has not been watching, from successive observations of the unhealthy ones. An informer
 * that lost its watch normally reconnects within seconds (or once the API server is back); one that stays unwatched
 * far longer has stopped for good: fabric8 informers can stop silently after a failed re-list (fabric8io/kubernetes-
 * client#6379, #4781), and only a new process recovers them. Pure: the caller supplies the time.
 */
public final class WatchLoss {
    private final Map<String, Instant> unwatchedSince = new ConcurrentHashMap<>();

    /** Records which event sources are unhealthy now; healthy ones are forgotten. */
    public void observe(Set<String> unhealthy, Instant now) {
        unwatchedSince.keySet().retainAll(unhealthy);
        for (String source : unhealthy) {
            unwatchedSince.putIfAbsent(source, now);
        }
    }

    /** The event source unwatched the longest, with how long, if any is unwatched. */
    public Optional<Map.Entry<String, Duration>> longest(Instant now) {
        return unwatchedSince.entrySet().stream()
                .min(Map.Entry.comparingByValue())
                .map(e -> Map.entry(e.getKey(), Duration.between(e.getValue(), now)));
    }
}
