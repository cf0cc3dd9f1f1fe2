package io.mlforge.operator.serving;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** {@code mlforge.serving.*}: how in-cluster Endpoints are exposed. */
@ConfigMapping(prefix = "mlforge.serving")
public interface ServingSettings {
    /**
     * Gateway (Gateway API) that in-cluster Endpoints attach an HTTPRoute to, with the variants' weights. Used when the
     * cluster serves gateway.networking.k8s.io/v1; unset: no route, weights follow ready replicas.
     */
    Optional<String> gatewayName();

    /** Namespace of that Gateway (default: the Endpoint's). */
    Optional<String> gatewayNamespace();
}
