package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells the controllers of this operator when another controller wrote a resource's status or saw it go, so that a
 * kind that depends on another kind's state (an Endpoint serving a TrainingJob's model) reacts at once without an
 * informer of its own over every resource of that kind: such an informer would cache every TrainingJob a second time
 * and decode each of its changes twice, for the few that Endpoints name. Every status change passes through
 * {@link Reconciliation}, in the process that holds the leadership, so nothing is missed; a listener must be quick
 * (it runs on the reconcile's thread).
 */
@Singleton
public class StatusChanges {
    private final List<Consumer<HasMetadata>> listeners = new CopyOnWriteArrayList<>();

    /** {@code listener} is told of every status written and every resource gone, of every kind. */
    public void listen(Consumer<HasMetadata> listener) {
        listeners.add(listener);
    }

    void changed(HasMetadata resource) {
        for (Consumer<HasMetadata> listener : listeners) {
            listener.accept(resource);
        }
    }
}
