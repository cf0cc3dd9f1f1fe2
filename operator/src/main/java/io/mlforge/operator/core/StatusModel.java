package io.mlforge.operator.core;

import io.mlforge.api.v1alpha1.Condition;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the shared reconcile path ({@link Reconciliation}) needs to know about one kind's status. Every MLForge status
 * follows the Kubernetes convention with the same fields ({@code phase}, {@code message}, {@code conditions},
 * {@code observedGeneration}), so one model reads them all: {@link #of} finds the fields once (a status class
 * without them fails at start-up, and StatusModelTest checks all three kinds).
 */
public final class StatusModel<S> {
    private final Supplier<S> empty;
    private final Enum<?> failedPhase;
    private final Set<Enum<?>> progressPhases;
    private final VarHandle phase;
    private final VarHandle message;
    private final VarHandle conditions;
    private final VarHandle observedGeneration;

    private StatusModel(Supplier<S> empty, Enum<?> failedPhase, Set<Enum<?>> progressPhases, Class<S> type) {
        this.empty = empty;
        this.failedPhase = failedPhase;
        this.progressPhases = Set.copyOf(progressPhases);
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            this.phase = lookup.findVarHandle(type, "phase", failedPhase.getDeclaringClass());
            this.message = lookup.findVarHandle(type, "message", String.class);
            this.conditions = lookup.findVarHandle(type, "conditions", List.class);
            this.observedGeneration = lookup.findVarHandle(type, "observedGeneration", Long.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(
                    type.getSimpleName() + " lacks a status field the reconcile path needs", e);
        }
    }

    /**
     * The model of status class {@code type}, whose phase {@code failedPhase} is a failure (its Event is a Warning).
     * {@code progressPhases} are the phases a resource passes through on its way (a job's Pending, Starting, Running):
     * they show in the status, its conditions and {@code kubectl get}, but get no Event of their own, as Kubernetes'
     * Job controller records what it did and how the job ended, not each step between. Every other phase change is an
     * Event.
     */
    public static <S> StatusModel<S> of(
            Class<S> type, Supplier<S> empty, Enum<?> failedPhase, Enum<?>... progressPhases) {
        return new StatusModel<>(empty, failedPhase, Set.of(progressPhases), type);
    }

    /** A new status for a resource that has none. */
    public S empty() {
        return empty.get();
    }

    /** The status's phase (null before the first). */
    public Enum<?> phase(S status) {
        return (Enum<?>) phase.get(status);
    }

    /** Cuts the status message to {@link Conditions#MAX_MESSAGE} characters. */
    public void capMessage(S status) {
        String current = message(status);
        String capped = Conditions.capped(current);
        if (capped != current) {
            message.set(status, capped);
        }
    }

    /** The human-readable message that goes with the phase. */
    public String message(S status) {
        return (String) message.get(status);
    }

    /** Whether entering {@code phase} is announced with an Event (it is not a progress phase). */
    public boolean announces(Enum<?> phase) {
        return !progressPhases.contains(phase);
    }

    /** Whether the phase is a failure. */
    public boolean failed(S status) {
        return phase(status) == failedPhase;
    }

    @SuppressWarnings("unchecked")
    public List<Condition> conditions(S status) {
        return (List<Condition>) conditions.get(status);
    }

    public void setConditions(S status, List<Condition> value) {
        conditions.set(status, value);
    }

    /** Records the generation the status was computed from. */
    public void observe(S status, Long generation) {
        observedGeneration.set(status, generation);
    }
}
