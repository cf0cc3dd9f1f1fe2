package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCorrelatorTest {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    final EventCorrelator correlator = new EventCorrelator();

    private static EventCorrelator.Draft draft(String uid, String reason, String message) {
        return new EventCorrelator.Draft(uid, "Normal", reason, message);
    }

    /** Correlates and, for a Create, records the Event as sent (as the recorder does). */
    private EventCorrelator.Decision send(EventCorrelator.Draft draft, Instant now, String name) {
        EventCorrelator.Decision decision = correlator.correlate(draft, now);
        if (decision instanceof EventCorrelator.Create create) {
            correlator.created(draft, create.message(), name, now);
        }
        return decision;
    }

    @Test
    void anIdenticalEventWithinTenMinutesIsCountedOnTheFirst() {
        var waiting = draft("uid-1", "Stopping", "waiting for SageMaker");
        assertThat(send(waiting, T0, "job.1")).isEqualTo(new EventCorrelator.Create("waiting for SageMaker"));
        assertThat(send(waiting, T0.plusSeconds(5), "job.2"))
                .isEqualTo(new EventCorrelator.Count("job.1", 2, "waiting for SageMaker"));
        assertThat(send(waiting, T0.plusSeconds(10), "job.3"))
                .isEqualTo(new EventCorrelator.Count("job.1", 3, "waiting for SageMaker"));
        // another object, or another message, is another Event
        assertThat(send(draft("uid-2", "Stopping", "waiting for SageMaker"), T0.plusSeconds(10), "other.1"))
                .isInstanceOf(EventCorrelator.Create.class);
        assertThat(send(draft("uid-1", "Stopping", "waiting for the pods"), T0.plusSeconds(10), "job.4"))
                .isInstanceOf(EventCorrelator.Create.class);
    }

    @Test
    void afterTenMinutesWithoutItTheSameEventIsNewAgain() {
        var waiting = draft("uid-1", "Stopping", "waiting");
        send(waiting, T0, "job.1");
        assertThat(send(waiting, T0.plus(Duration.ofMinutes(10)).plusSeconds(1), "job.2"))
                .isEqualTo(new EventCorrelator.Create("waiting"));
    }

    @Test
    void tenSimilarEventsAreCombinedIntoOne() {
        for (int i = 1; i < EventCorrelator.SIMILAR_LIMIT; i++) {
            assertThat(send(draft("uid-1", "AttemptCreated", "attempt " + i), T0.plusSeconds(i), "job." + i))
                    .isEqualTo(new EventCorrelator.Create("attempt " + i));
        }
        assertThat(send(draft("uid-1", "AttemptCreated", "attempt 10"), T0.plusSeconds(10), "job.c"))
                .isEqualTo(new EventCorrelator.Create("(combined from similar events): attempt 10"));
        assertThat(send(draft("uid-1", "AttemptCreated", "attempt 11"), T0.plusSeconds(11), "job.x"))
                .isEqualTo(new EventCorrelator.Count("job.c", 2, "(combined from similar events): attempt 11"));
    }

    @Test
    void anObjectGetsABurstOf25ThenOnePerFiveMinutes() {
        int sent = 0;
        for (int i = 0; i < 40; i++) {
            if (!(correlator.correlate(draft("uid-1", "R" + i, "m"), T0) instanceof EventCorrelator.Drop)) {
                sent++;
            }
        }
        assertThat(sent).isEqualTo(EventCorrelator.BURST);
        assertThat(correlator.correlate(draft("uid-1", "late", "m"), T0.plusSeconds(60)))
                .isInstanceOf(EventCorrelator.Drop.class);
        assertThat(correlator.correlate(draft("uid-1", "later", "m"), T0.plus(EventCorrelator.REFILL)))
                .isInstanceOf(EventCorrelator.Create.class);
        assertThat(correlator.correlate(draft("uid-2", "other object", "m"), T0))
                .as("the budget is per object")
                .isInstanceOf(EventCorrelator.Create.class);
    }
}
