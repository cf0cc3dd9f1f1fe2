package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * What every backend of every kind does when its resource is deleted; each kind's backend contract
 * ({@code TrainingBackend}, {@code TuningBackend}, {@code EndpointBackend}) adds its reconcile step.
 */
public interface ResourceBackend<R extends HasMetadata> {
    /**
     * Before the resource goes: stops or deletes what it made, as its deletion policy says. True once the resource may
     * go; false to look again soon. A failed outside call may propagate: {@link Reconciliation#awaitRelease} retries it.
     */
    boolean release(R resource);

    /**
     * Whether resources of this backend carry the controller's finalizer, so that {@link #release} runs before they
     * go. False only where everything the resource makes is owned by it and the garbage collector may remove it.
     */
    default boolean releasesBeforeDeletion() {
        return true;
    }

    /** When the resource is gone (with or without a finalizer): drops what the backend kept about it in memory. */
    default void forget(R resource) {}

    /** What deletion reports: while {@link #release} waits, when a call fails, and when the resource goes. */
    ReleaseNotes releaseNotes();

    /**
     * @param waitingReason  the Event reason while release waits
     * @param waiting        the Event message while release waits
     * @param cannot         the start of the Warning's message when a call fails
     * @param released       the message of the Deleted Event
     */
    record ReleaseNotes(EventReason waitingReason, String waiting, String cannot, String released) {}
}
