package io.mlforge.operator.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.EndpointPhase;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint metrics with low-cardinality labels (never endpoint names):
 * {@code mlforge_endpoints{backend,phase}} and {@code mlforge_endpoint_updates_total{backend,outcome}} (outcome
 * Succeeded or RolledBack).
 */
@Singleton
public class ServingMetrics {
    private final MeterRegistry registry;
    private final Map<String, Phased> endpoints = new ConcurrentHashMap<>();

    private record Phased(Backend backend, EndpointPhase phase) {}

    @Inject
    public ServingMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Backend backend : Backend.values()) {
            for (EndpointPhase phase : EndpointPhase.values()) {
                Gauge.builder(
                                "mlforge.endpoints",
                                endpoints,
                                m -> m.values().stream()
                                        .filter(p -> p.backend() == backend && p.phase() == phase)
                                        .count())
                        .description("Endpoints by backend and phase")
                        .tag("backend", backend.name())
                        .tag("phase", phase.name())
                        .register(registry);
            }
            for (String outcome : new String[] {"Succeeded", "RolledBack"}) {
                updates(backend, outcome);
            }
        }
    }

    private Counter updates(Backend backend, String outcome) {
        return Counter.builder("mlforge.endpoint.updates")
                .description("Endpoint updates by outcome")
                .tag("backend", backend.name())
                .tag("outcome", outcome)
                .register(registry);
    }

    public void phase(String uid, Backend backend, EndpointPhase phase) {
        if (phase != null) {
            endpoints.put(uid, new Phased(backend, phase));
        }
    }

    public void updated(Backend backend, boolean succeeded) {
        updates(backend, succeeded ? "Succeeded" : "RolledBack").increment();
    }

    public void forget(String uid) {
        endpoints.remove(uid);
    }
}
