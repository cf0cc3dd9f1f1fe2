package io.mlforge.operator.dataagent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * {@code mlforge.data-agent.*}: the data agent that training and serving pods run (downloads, checkpoint sync,
 * uploads). Until 0.2 these were {@code mlforge.training.data-agent-image}, {@code mlforge.training.s3-endpoint} and
 * {@code mlforge.training.s3-path-style}; those names are still read ({@link io.mlforge.operator.core.RenamedSettings}).
 */
@ConfigMapping(prefix = "mlforge.data-agent")
public interface DataAgentSettings {
    /** Image of the data agent (init and sidecar containers). The Helm chart sets it to the operator's own image. */
    @WithDefault("ghcr.io/mlforge/mlforge-operator:0.1.0")
    String image();

    /** S3 endpoint for the data agent, for S3-compatible stores (e.g. the sandbox); unset for AWS. */
    Optional<String> s3Endpoint();

    /** Path-style S3 addressing for the data agent (needed by most S3-compatible stores). */
    @WithDefault("false")
    boolean s3PathStyle();
}
