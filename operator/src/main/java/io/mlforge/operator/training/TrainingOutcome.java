package io.mlforge.operator.training;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a backend's reconcile asks of the reconciler: events to record and when to look again. */
public final class TrainingOutcome {
    /** A Kubernetes Event to record on the TrainingJob. */
    public record EventNote(boolean warning, String reason, String message) {
    }

    private final List<EventNote> events = new ArrayList<>();
    private Instant requeueAt;
    private boolean now;

    public void normal(String reason, String message) {
        events.add(new EventNote(false, reason, message));
    }

    public void warning(String reason, String message) {
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
        if (requeueAt == null) {
            return Optional.empty();
        }
        Duration delay = Duration.between(now, requeueAt);
        return Optional.of(delay.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : delay);
    }
}
