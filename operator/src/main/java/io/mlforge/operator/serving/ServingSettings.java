package io.mlforge.operator.serving;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code mlforge.serving.*}: how in-cluster Endpoints are exposed and scaled. */
@ConfigMapping(prefix = "mlforge.serving")
public interface ServingSettings {
    /**
     * Gateway (Gateway API) that in-cluster Endpoints attach an HTTPRoute to, with the variants' weights. Used when the
     * cluster serves gateway.networking.k8s.io/v1; unset: no route, weights follow ready replicas.
     */
    Optional<String> gatewayName();

    /** Namespace of that Gateway (default: the Endpoint's). */
    Optional<String> gatewayNamespace();

    /**
     * What scales variants on request targets (targetConcurrency, targetInvocationsPerInstance): {@code auto} (a KEDA
     * ScaledObject when the cluster serves keda.sh/v1alpha1, otherwise a HorizontalPodAutoscaler on custom metrics),
     * {@code keda} or {@code hpa}.
     */
    @WithDefault("auto")
    RequestAutoscaler requestAutoscaler();

    /** The Prometheus server KEDA's triggers query for the serving pods' request metrics. */
    @WithDefault("http://prometheus-operated.monitoring.svc:9090")
    String prometheusAddress();

    /**
     * How long the answer to "does the cluster serve the Gateway API / KEDA?" (API discovery) is reused before the
     * operator asks again: installing either is picked up within this time.
     */
    @WithDefault("5m")
    java.time.Duration apiDiscoveryInterval();

    /** The node directory of model caches with source Node (a hostPath volume; see ModelCacheConfig). */
    @WithDefault("/var/lib/mlforge/model-cache")
    String modelCacheHostPath();

    /** See {@link #requestAutoscaler()}. */
    enum RequestAutoscaler {
        auto,
        keda,
        hpa
    }
}
