package io.mlforge.operator.core;

import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.FallbackConfigSourceInterceptor;
import java.util.Iterator;
import java.util.Map;

/**
 * Settings that moved to another name: a value set under the old name through its environment variable (such as
 * {@code MLFORGE_TRAINING_DATA_AGENT_IMAGE}, the way the chart and most installs set them) still applies when the new
 * name is not set. In a properties file the old names under {@code mlforge.training} stop the operator at start-up
 * with a message naming them (they belong to no setting), so nothing is silently ignored. Registered through
 * {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}.
 */
public class RenamedSettings extends FallbackConfigSourceInterceptor {
    /** New name to old name. */
    public static final Map<String, String> RENAMED = Map.of(
            "mlforge.data-agent.image", "mlforge.training.data-agent-image",
            "mlforge.data-agent.s3-endpoint", "mlforge.training.s3-endpoint",
            "mlforge.data-agent.s3-path-style", "mlforge.training.s3-path-style",
            "mlforge.cluster.gpu-resource-name", "mlforge.training.gpu-resource-name");

    public RenamedSettings() {
        super(name -> RENAMED.getOrDefault(name, name));
    }

    /** The names that exist, as they are: listing the old names too would report them as unknown settings. */
    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        return context.iterateNames();
    }
}
