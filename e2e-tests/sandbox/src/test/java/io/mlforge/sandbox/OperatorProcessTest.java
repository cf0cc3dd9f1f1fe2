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

    @Test
    void readsTheCpuOfEachThreadFromProc() throws Exception {
        // the command name is in parentheses and may hold both spaces and parentheses
        assertThat(OperatorProcess.statCpu(
                        "4242 (C2 Compiler) x) S 1 4242 4242 0 -1 4194368 900 0 0 0 1234 56 0 0 20 0 1 0 100 0 0"))
                .isEqualTo(java.time.Duration.ofMillis(12_900));

        // a thread that ends is not listed; one that used 200 ms of CPU, then sleeps, is, with at least that
        Thread ended = new Thread(() -> {}, "ended-already");
        ended.start();
        ended.join();
        var spun = new java.util.concurrent.CountDownLatch(1);
        var read = new java.util.concurrent.CountDownLatch(1);
        Thread waiting = new Thread(
                () -> {
                    var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
                    while (cpu.getCurrentThreadCpuTime() < 200_000_000L) {
                        Thread.onSpinWait();
                    }
                    spun.countDown();
                    try {
                        read.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "spun-then-slept");
        waiting.start();
        spun.await();
        var threads = OperatorProcess.threadCpuTimes(ProcessHandle.current().pid());
        read.countDown();
        waiting.join();

        assertThat(threads.values())
                .as("this JVM's threads, by their names as Linux keeps them (15 characters)")
                .anySatisfy(t -> {
                    assertThat(t.name()).isEqualTo("spun-then-slept");
                    assertThat(t.cpu()).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(190));
                })
                .anySatisfy(t -> assertThat(t.name()).isEqualTo("VM Thread"))
                .noneSatisfy(t -> assertThat(t.name()).isEqualTo("ended-already"));
    }
}
