package io.mlforge.operator.core;

import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What the shared reconcile path ({@link Reconciliation}) needs to know about one kind's status.
 *
 * @param empty     a new status for a resource that has none
 * @param phase     the status's phase (null before the first)
 * @param message   the human-readable message that goes with the phase
 * @param failed    whether the phase is a failure (its Event is a Warning)
 * @param observe   records the generation the status was computed from
 */
public record StatusModel<S>(Supplier<S> empty, Function<S, Enum<?>> phase, Function<S, String> message, Predicate<S> failed,
        BiConsumer<S, Long> observe) {
}
