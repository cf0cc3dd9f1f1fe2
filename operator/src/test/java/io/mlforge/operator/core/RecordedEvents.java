package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;

/** An EventRecorder that keeps the Events in memory ("Normal Reason: message"), for tests without an API server. */
public class RecordedEvents extends EventRecorder {
    public final List<String> recorded = new ArrayList<>();

    @Override
    public void normal(HasMetadata resource, EventReason reason, String message) {
        recorded.add("Normal " + reason.reason() + ": " + message);
    }

    @Override
    public void warning(HasMetadata resource, EventReason reason, String message) {
        recorded.add("Warning " + reason.reason() + ": " + message);
    }

    @Override
    public void phaseChanged(HasMetadata resource, Enum<?> phase, boolean failure, String message) {
        recorded.add((failure ? "Warning Failed" : "Normal " + phase.name()) + ": " + message);
    }

    /** {@code reconciler} recording into these Events, for its deletion path (its status path needs an API server). */
    public <T extends ResourceReconciler<?, ?, ?>> T wire(T reconciler) {
        reconciler.events = this;
        reconciler.reconciliation = reconciliation();
        return reconciler;
    }

    /** A Reconciliation that records into these Events (its status path is not for use without an API server). */
    public Reconciliation reconciliation() {
        Reconciliation reconciliation = new Reconciliation();
        reconciliation.events = this;
        reconciliation.failures = java.util.List.of(new io.mlforge.operator.aws.AwsCallFailures());
        return reconciliation;
    }
}
