package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** e2e-tests/control-plane/build.sh: where the binaries come from, and what it says when it cannot provide them. */
class ControlPlaneBuildScriptTest {
    private static final Path SCRIPT = Repo.root().resolve("e2e-tests/control-plane/build.sh");

    private record Run(int exit, String out, String err) {}

    private static Run run(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString());
        builder.environment().remove("MLFORGE_KUBE_BINARIES");
        builder.environment().remove("KUBEBUILDER_ASSETS");
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(process.waitFor(), out, err);
    }

    @Test
    void withoutGoOrBinariesItSaysWhatIsMissingAndFails() throws Exception {
        Path emptyCache = Files.createTempDirectory("kube-cache");
        // a PATH with the shell tools but no Go toolchain
        Run run = run(Map.of("PATH", "/usr/bin:/bin", "MLFORGE_KUBE_CACHE", emptyCache.toString()));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err())
                .contains("lacks: kube-apiserver kube-controller-manager kube-scheduler kubectl etcd")
                .contains("no Go toolchain")
                .contains("MLFORGE_KUBE_BINARIES");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aDirectoryTheUserProvidesIsUsedAsItIsAndMustBeComplete() throws Exception {
        Path partial = Files.createTempDirectory("kube-bin");
        Path fake = Files.writeString(partial.resolve("kube-apiserver"), "#!/bin/sh\n");
        fake.toFile().setExecutable(true);
        Run incomplete = run(Map.of("MLFORGE_KUBE_BINARIES", partial.toString()));
        assertThat(incomplete.exit()).isEqualTo(1);
        assertThat(incomplete.err()).contains("lacks: kube-controller-manager kube-scheduler kubectl etcd");

        Path real = SharedControlPlane.get().binaries();
        Run provided = run(Map.of("MLFORGE_KUBE_BINARIES", real.toString(), "PATH", "/usr/bin:/bin"));
        assertThat(provided.exit()).as(provided.err()).isZero();
        assertThat(provided.out().trim()).isEqualTo(real.toString());
        Run envtest = run(Map.of("KUBEBUILDER_ASSETS", real.toString(), "PATH", "/usr/bin:/bin"));
        assertThat(envtest.out().trim()).isEqualTo(real.toString());
    }
}
