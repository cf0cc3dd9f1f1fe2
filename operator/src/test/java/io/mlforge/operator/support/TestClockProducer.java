package io.mlforge.operator.support;

import io.mlforge.sagemaker.emulator.ManualClock;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The operator's clock in Quarkus tests: the one test clock ({@link ManualClock}), ticking with real time so that
 * tests can move it forward (run-time limits, TTLs, timeouts). Replaces the production clock for every bean.
 */
@Alternative
@Priority(1)
@Singleton
public class TestClockProducer {
    @Produces
    @Singleton
    ManualClock clock = ManualClock.ticking();
}
