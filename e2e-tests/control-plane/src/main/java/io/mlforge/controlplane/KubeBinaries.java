package io.mlforge.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the control-plane binaries are: what {@code e2e-tests/control-plane/build.sh} answers (it builds them once
 * per machine, or names the directory the user provides through MLFORGE_KUBE_BINARIES / KUBEBUILDER_ASSETS).
 */
public final class KubeBinaries {
    private static volatile Path located;

    private KubeBinaries() {}

    public static synchronized Path locate() throws IOException, InterruptedException {
        if (located != null) {
            return located;
        }
        Path script = repoRoot().resolve("e2e-tests/control-plane/build.sh");
        Process process = new ProcessBuilder("bash", script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT) // progress of a first build
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = process.waitFor();
        List<String> lines = out.lines().toList();
        if (exit != 0 || lines.isEmpty()) {
            throw new IllegalStateException("no Kubernetes control plane: " + script + " exited with " + exit
                    + " (its messages above say what is missing)");
        }
        located = Path.of(lines.get(lines.size() - 1));
        return located;
    }

    /** The repository: system property mlforge.repo.root, else the nearest directory above the working one that has the script. */
    public static Path repoRoot() {
        String property = System.getProperty("mlforge.repo.root");
        if (property != null) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("e2e-tests/control-plane/build.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the MLForge repository above "
                + Path.of("").toAbsolutePath() + " (set -Dmlforge.repo.root)");
    }
}
