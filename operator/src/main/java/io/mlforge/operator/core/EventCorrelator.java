package io.mlforge.operator.core;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decides what becomes of an Event before it is sent, the way Kubernetes' own event recorder (client-go's
 * EventCorrelator) does, so that a busy controller neither floods the API server nor buries what matters:
 *
 * <ul>
 *   <li><b>Spam filter</b>: per object, a bucket of {@value #BURST} Events refilled at one per
 *       {@link #REFILL}; an Event beyond it is dropped.
 *   <li><b>Aggregation</b>: once {@value #SIMILAR_LIMIT} Events of the same object, type and reason but different
 *       messages arrive within {@link #WINDOW}, further ones are combined into one Event whose message starts with
 *       "(combined from similar events): ".
 *   <li><b>Deduplication</b>: an Event identical to one sent within {@link #WINDOW} increments that Event's
 *       {@code count} and {@code lastTimestamp} (a PATCH) instead of creating another.
 * </ul>
 *
 * Pure and single-threaded (the recorder's sender calls it); memory is bounded by an LRU of {@value #CACHE_SIZE}
 * entries per table.
 */
public final class EventCorrelator {
    static final int BURST = 25;
    static final Duration REFILL = Duration.ofMinutes(5);
    static final int SIMILAR_LIMIT = 10;
    static final Duration WINDOW = Duration.ofMinutes(10);
    static final int CACHE_SIZE = 4096;
    static final String COMBINED = "(combined from similar events): ";

    /** An Event about to be sent: the object (by uid), its type (Normal/Warning), reason and message. */
    public record Draft(String objectUid, String type, String reason, String message) {}

    /** What to do with a draft. */
    public sealed interface Decision {}

    /** Create a new Event with this message (the draft's, or the combined one). */
    public record Create(String message) implements Decision {}

    /** Patch the Event created for an identical draft: its count becomes {@code count}. */
    public record Count(String eventName, int count, String message) implements Decision {}

    /** Drop it (the object's spam budget is spent). */
    public record Drop() implements Decision {}

    private record Seen(String eventName, int count, Instant last) {}

    private record Similar(Set<String> messages, Instant since) {}

    private static final class Bucket {
        double tokens = BURST;
        Instant refilled;

        Bucket(Instant now) {
            refilled = now;
        }
    }

    private final Map<String, Seen> sent = lru();
    private final Map<String, Similar> similar = lru();
    private final Map<String, Bucket> buckets = lru();

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CACHE_SIZE;
            }
        };
    }

    /** What to do with {@code draft} at {@code now}; {@link #created} must follow a {@link Create} that was sent. */
    public Decision correlate(Draft draft, Instant now) {
        if (!take(draft.objectUid(), now)) {
            return new Drop();
        }
        String message = draft.message();
        String similarKey = draft.objectUid() + "\u0000" + draft.type() + "\u0000" + draft.reason();
        Similar group = similar.get(similarKey);
        if (group == null || Duration.between(group.since(), now).compareTo(WINDOW) > 0) {
            group = new Similar(new HashSet<>(), now);
            similar.put(similarKey, group);
        }
        group.messages().add(message);
        if (group.messages().size() >= SIMILAR_LIMIT) {
            message = COMBINED + message;
        }
        String key = identity(draft, message.startsWith(COMBINED) ? COMBINED : message);
        Seen seen = sent.get(key);
        if (seen != null && Duration.between(seen.last(), now).compareTo(WINDOW) <= 0) {
            Seen next = new Seen(seen.eventName(), seen.count() + 1, now);
            sent.put(key, next);
            return new Count(seen.eventName(), next.count(), message);
        }
        return new Create(message);
    }

    /** Records that the Event for {@code draft} was created as {@code eventName} with {@code message}. */
    public void created(Draft draft, String message, String eventName, Instant now) {
        sent.put(identity(draft, message.startsWith(COMBINED) ? COMBINED : message), new Seen(eventName, 1, now));
    }

    /** Forgets the Event for {@code draft} (it could not be patched, e.g. it expired): the next one is created anew. */
    public void forget(Draft draft, String message) {
        sent.remove(identity(draft, message.startsWith(COMBINED) ? COMBINED : message));
    }

    private static String identity(Draft draft, String message) {
        return draft.objectUid() + "\u0000" + draft.type() + "\u0000" + draft.reason() + "\u0000" + message;
    }

    private boolean take(String objectUid, Instant now) {
        Bucket bucket = buckets.computeIfAbsent(objectUid, k -> new Bucket(now));
        double refill = Duration.between(bucket.refilled, now).toMillis() / (double) REFILL.toMillis();
        bucket.tokens = Math.min(BURST, bucket.tokens + refill);
        bucket.refilled = now;
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }
}
