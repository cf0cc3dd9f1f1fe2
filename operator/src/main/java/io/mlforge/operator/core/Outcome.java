package io.mlforge.operator.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a backend's reconcile asks beyond the status it changed: Events to record and when to look again. Every
 * backend of every kind returns one; {@link Reconciliation#finish} acts on it.
 */
public final class Outcome {
    /** A Kubernetes Event to record on the resource. */
    public record EventNote(boolean warning, EventReason reason, String message) {}

    private final List<EventNote> events = new ArrayList<>();
    private Instant requeueAt;
    private Duration requeueAfter;
    private boolean now;

    public void normal(EventReason reason, String message) {
        events.add(new EventNote(false, reason, message));
    }

    public void warning(EventReason reason, String message) {
        events.add(new EventNote(true, reason, message));
    }

    /** Look again at {@code at} at the latest (the earliest of all requests wins). */
    public void requeueAt(Instant at) {
        if (at != null && (requeueAt == null || at.isBefore(requeueAt))) {
            requeueAt = at;
        }
    }

    public void requeueAfter(Instant now, Duration delay) {
        requeueAt(now.plus(delay));
    }

    /** Look again after {@code delay} at the latest (zero: right after this reconcile's status is written). */
    public void requeueAfter(Duration delay) {
        if (delay.isZero()) {
            requeueNow();
        } else if (requeueAfter == null || delay.compareTo(requeueAfter) < 0) {
            requeueAfter = delay;
        }
    }

    /** Look again right after this reconcile's status is written (a step that must be recorded before the next). */
    public void requeueNow() {
        now = true;
    }

    public List<EventNote> events() {
        return events;
    }

    /** Delay until the requested look, at least one second unless asked now; empty when nothing is due. */
    public Optional<Duration> requeueDelay(Instant now) {
        if (this.now) {
            return Optional.of(Duration.ofMillis(10));
        }
        Duration delay = requeueAt == null ? requeueAfter : Duration.between(now, requeueAt);
        if (delay == null) {
            return Optional.empty();
        }
        if (requeueAfter != null && requeueAfter.compareTo(delay) < 0) {
            delay = requeueAfter;
        }
        return Optional.of(delay.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : delay);
    }
}
