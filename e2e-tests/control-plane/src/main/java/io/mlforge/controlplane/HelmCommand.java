package io.mlforge.controlplane;

import java.io.IOException;
import java.nio.file.Path;

/**
 * helm as a user runs it: the Helm 4 command line built from the Go module proxy ({@link GoTool#helm}), the cluster
 * from KUBECONFIG, and its own configuration, cache and data directories (never the user's).
 */
public final class HelmCommand {
    private final Kubectl runner;

    public HelmCommand(Path kubeconfig, Path home) throws IOException, InterruptedException {
        this.runner = new Kubectl(GoTool.helm(), kubeconfig)
                .withEnvironment("HELM_CONFIG_HOME", home.resolve("config").toString())
                .withEnvironment("HELM_CACHE_HOME", home.resolve("cache").toString())
                .withEnvironment("HELM_DATA_HOME", home.resolve("data").toString());
    }

    public Kubectl.Result run(String... args) {
        return runner.run(args);
    }

    /** Runs helm and fails with its output when it exits non-zero. */
    public String runOrFail(String... args) {
        Kubectl.Result result = run(args);
        if (!result.ok()) {
            throw new IllegalStateException("helm " + String.join(" ", args) + " failed: " + result);
        }
        return result.out();
    }
}
