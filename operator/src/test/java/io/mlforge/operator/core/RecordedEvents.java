package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;

/** An EventRecorder that keeps the Events in memory ("Normal Reason: message"), for tests without an API server. */
public class RecordedEvents extends EventRecorder {
    public final List<String> recorded = new ArrayList<>();

    @Override
    public void normal(HasMetadata resource, String reason, String message) {
        recorded.add("Normal " + reason + ": " + message);
    }

    @Override
    public void warning(HasMetadata resource, String reason, String message) {
        recorded.add("Warning " + reason + ": " + message);
    }

    /** A Reconciliation that records into these Events (its status path is not for use without an API server). */
    public Reconciliation reconciliation() {
        Reconciliation reconciliation = new Reconciliation();
        reconciliation.events = this;
        return reconciliation;
    }
}
