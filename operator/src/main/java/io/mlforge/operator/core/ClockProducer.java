package io.mlforge.operator.core;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The time reconcilers see; tests replace it to move time forward (run-time limits, timeouts, TTLs). */
public class ClockProducer {
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
