package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged CLI (operator/cli/target/kubectl-mlforge.jar) run as a process, as a user runs the kubectl plugin,
 * against a sandbox: its kubeconfig, the emulator as AWS endpoint, the sandbox's fake AWS credentials.
 */
final class KubectlMlforge {
    private static final Path CLI = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize()
            .resolve("operator/cli/target/kubectl-mlforge.jar");

    record Result(int exit, List<String> out, String err) {}

    private final Sandbox sandbox;

    KubectlMlforge(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", CLI.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of(
                "--kubeconfig",
                sandbox.kubeconfig().toString(),
                "--endpoint-url",
                sandbox.sagemaker().endpoint()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AWS_ACCESS_KEY_ID", S3Store.ACCESS_KEY);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", S3Store.SECRET_KEY);
        builder.environment().put("AWS_REGION", "us-east-1");
        return builder.start();
    }

    static Result finish(Process process) throws Exception {
        process.getOutputStream().close();
        var out = process.getInputStream().readAllBytes();
        var err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(
                process.exitValue(),
                new String(out, StandardCharsets.UTF_8).lines().toList(),
                new String(err, StandardCharsets.UTF_8));
    }

    Result run(String... args) throws Exception {
        return finish(start(args));
    }

    /** Runs it with {@code input} on its standard input. */
    Result runWithInput(byte[] input, String... args) throws Exception {
        Process process = start(args);
        process.getOutputStream().write(input);
        return finish(process);
    }
}
