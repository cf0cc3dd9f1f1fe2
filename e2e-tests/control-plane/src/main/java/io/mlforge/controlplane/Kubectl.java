package io.mlforge.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** kubectl as a user runs it: the real binary, a kubeconfig, arguments, optional standard input. */
public final class Kubectl {
    /** Exit code, standard output and standard error. */
    public record Result(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n" + out + err;
        }
    }

    private final Path binary;
    private final Path kubeconfig;
    private final java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

    public Kubectl(Path binary, Path kubeconfig) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
    }

    /** Puts a directory in front of PATH, as a user installing kubectl plugins there does. */
    public Kubectl withPluginDirectory(Path directory) {
        environment.put(
                "PATH",
                directory.toAbsolutePath()
                        + java.io.File.pathSeparator
                        + System.getenv().getOrDefault("PATH", ""));
        return this;
    }

    /** Sets an environment variable for every run. */
    public Kubectl withEnvironment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public Result run(String... args) {
        return runWithInput(null, args);
    }

    /** Runs kubectl with {@code input} on standard input (for {@code -f -}). */
    public Result runWithInput(String input, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            // KUBECONFIG rather than --kubeconfig: kubectl plugins read it too
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (input != null) {
                process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String out = readAll(process.getInputStream());
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        binary.getFileName() + " " + String.join(" ", args) + " did not finish in 120 s");
            }
            return new Result(process.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
