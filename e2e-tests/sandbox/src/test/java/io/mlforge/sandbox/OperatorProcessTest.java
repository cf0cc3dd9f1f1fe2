package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmarks' operator process runs with the image's memory settings, so their RSS figures hold for the image. */
class OperatorProcessTest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();

    @Test
    void theOperatorProcessUsesTheImagesJvmMemoryOptions() throws Exception {
        String dockerfile = Files.readString(REPO.resolve("operator/src/main/docker/Dockerfile.jvm"));
        String optsLine = dockerfile
                .lines()
                .filter(l -> l.startsWith("ENV JAVA_OPTS_APPEND="))
                .findFirst()
                .orElseThrow();
        List<String> imageOptions = Arrays.stream(
                        optsLine.substring(optsLine.indexOf('"') + 1, optsLine.lastIndexOf('"'))
                                .split("\\s+"))
                .filter(o -> o.startsWith("-XX:") && !o.startsWith("-XX:MaxRAMPercentage"))
                .toList();

        assertThat(OperatorProcess.IMAGE_MEMORY_OPTIONS).containsExactlyInAnyOrderElementsOf(imageOptions);
        assertThat(dockerfile).contains("-XX:MaxRAMPercentage=50").contains("-XX:+UseSerialGC");
    }
}
