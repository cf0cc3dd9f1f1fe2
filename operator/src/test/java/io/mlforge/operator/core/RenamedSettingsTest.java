package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.operator.dataagent.DataAgentSettings;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings moved from mlforge.training.* keep working as environment variables under their old names; the new name wins. */
class RenamedSettingsTest {
    /** Config as the operator builds it: its mappings (training's too, so unknown names under its prefix are refused). */
    private static SmallRyeConfig config(Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .addDiscoveredInterceptors()
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new io.smallrye.config.EnvConfigSource(environment, 300))
                .withMapping(DataAgentSettings.class)
                .withMapping(ClusterSettings.class)
                .withMapping(io.mlforge.operator.training.TrainingSettings.class)
                .build();
    }

    @Test
    void oldEnvironmentVariablesStillApply() {
        SmallRyeConfig config = config(Map.of(
                "MLFORGE_TRAINING_DATA_AGENT_IMAGE",
                "registry.example/agent:1",
                "MLFORGE_TRAINING_S3_ENDPOINT",
                "http://s3.local:9000",
                "MLFORGE_TRAINING_S3_PATH_STYLE",
                "true",
                "MLFORGE_TRAINING_GPU_RESOURCE_NAME",
                "amd.com/gpu"));
        DataAgentSettings agent = config.getConfigMapping(DataAgentSettings.class);
        assertThat(agent.image()).isEqualTo("registry.example/agent:1");
        assertThat(agent.s3Endpoint()).contains("http://s3.local:9000");
        assertThat(agent.s3PathStyle()).isTrue();
        assertThat(config.getConfigMapping(ClusterSettings.class).gpuResourceName())
                .isEqualTo("amd.com/gpu");
    }

    @Test
    void theNewNameWinsAndDefaultsStay() {
        SmallRyeConfig config =
                config(Map.of("MLFORGE_TRAINING_DATA_AGENT_IMAGE", "old:1", "MLFORGE_DATA_AGENT_IMAGE", "new:2"));
        assertThat(config.getConfigMapping(DataAgentSettings.class).image()).isEqualTo("new:2");
        assertThat(config.getConfigMapping(DataAgentSettings.class).s3PathStyle())
                .isFalse();
        assertThat(config.getConfigMapping(ClusterSettings.class).gpuResourceName())
                .isEqualTo("nvidia.com/gpu");
    }

    @Test
    void anOldNameInAPropertiesFileStopsStartUpNamingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SmallRyeConfigBuilder()
                        .addDiscoveredInterceptors()
                        .withSources(new PropertiesConfigSource(
                                Map.of("mlforge.training.data-agent-image", "old:1"), "application.properties", 250))
                        .withMapping(DataAgentSettings.class)
                        .withMapping(io.mlforge.operator.training.TrainingSettings.class)
                        .build())
                .hasMessageContaining("mlforge.training.data-agent-image");
    }
}
