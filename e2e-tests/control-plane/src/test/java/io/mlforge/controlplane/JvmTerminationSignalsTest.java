package io.mlforge.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A JVM that has installed a chart through helm-java stops on SIGTERM and SIGINT, running its shutdown hooks, once
 * {@link JvmTerminationSignals#restore()} ran; without it, it does not (the reason the class exists). Each case is a
 * child JVM that installs the chart client-only (a dry run: the same native install path, no cluster) and waits.
 */
class JvmTerminationSignalsTest {
    private static final Path CHART =
            Path.of("../../helm/mlforge-operator").toAbsolutePath().normalize();

    /** The child JVM: installs the chart, restores the signals if asked to, says so and waits to be stopped. */
    public static final class ChartInstallingProcess {
        public static void main(String[] args) throws InterruptedException {
            new Helm(Path.of(args[0]))
                    .install()
                    .withName("signals")
                    .withNamespace("signals")
                    .clientOnly()
                    .withKubeVersion("1.37.2")
                    .dryRun()
                    .call();
            if (args[1].equals("restore")) {
                JvmTerminationSignals.restore();
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
            System.out.println("installed");
            Thread.currentThread().join(); // until a signal ends the JVM
        }
    }

    private record Child(Process process, CompletableFuture<String> output) {}

    private static Child start(String mode) throws IOException {
        assertThat(CHART.resolve("Chart.yaml")).exists();
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ChartInstallingProcess.class.getName(),
                        CHART.toString(),
                        mode)
                .redirectErrorStream(true)
                .start();
        CompletableFuture<String> installed = new CompletableFuture<>();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            StringBuilder all = new StringBuilder();
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    all.append(line).append('\n');
                    if (line.equals("installed")) {
                        installed.complete(line);
                    }
                }
            } catch (IOException e) {
                all.append(e);
            }
            installed.complete(all.toString());
            return all.toString();
        });
        try {
            assertThat(installed.get(60, TimeUnit.SECONDS)).as("child output").isEqualTo("installed");
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("the child did not install the chart", e);
        }
        return new Child(process, output);
    }

    private static void send(String signal, Process process) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder(List.of("kill", "-" + signal, Long.toString(process.pid())))
                        .inheritIO()
                        .start()
                        .waitFor())
                .isZero();
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"TERM, 143", "INT, 130"})
    void theSignalStopsTheJvmAndRunsItsShutdownHooksAfterAnInstall(String signal, int exitCode) throws Exception {
        Child child = start("restore");
        send(signal, child.process());
        assertThat(child.process().waitFor(30, TimeUnit.SECONDS))
                .as("exited after SIG%s", signal)
                .isTrue();
        assertThat(child.process().exitValue()).isEqualTo(exitCode);
        assertThat(child.output().get(10, TimeUnit.SECONDS)).contains("shutdown hook ran");
    }

    @Test
    void withoutRestoringThemTheInstallLeavesTheJvmDeafToSigterm() throws Exception {
        Child child = start("keep");
        try {
            send("TERM", child.process());
            assertThat(child.process().waitFor(5, TimeUnit.SECONDS))
                    .as("helm-java's install took SIGTERM over (manusa/helm-java#409): if the JVM now exits,"
                            + " a fixed helm-java no longer needs JvmTerminationSignals")
                    .isFalse();
        } finally {
            child.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
