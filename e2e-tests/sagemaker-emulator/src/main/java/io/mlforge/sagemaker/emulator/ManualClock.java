package io.mlforge.sagemaker.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one clock tests move by hand. Standing ({@link #ManualClock(Instant)}): it stands still until moved, and tests
 * drive the emulator's job timelines with it. Ticking ({@link #ticking()}): real time plus the offset tests moved it by,
 * for an operator whose informers and timeouts need time to pass (run-time limits, TTLs).
 */
public final class ManualClock extends Clock {
    private final AtomicReference<Instant> standing;
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    /** A clock that shows {@code start} until moved. */
    public ManualClock(Instant start) {
        this.standing = new AtomicReference<>(start);
    }

    private ManualClock() {
        this.standing = null;
    }

    /** A clock that runs with real time, ahead by what {@link #advance} added. */
    public static ManualClock ticking() {
        return new ManualClock();
    }

    public void advance(Duration duration) {
        if (standing != null) {
            standing.updateAndGet(t -> t.plus(duration));
        } else {
            offset.updateAndGet(o -> o.plus(duration));
        }
    }

    @Override
    public Instant instant() {
        return standing != null ? standing.get() : Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
