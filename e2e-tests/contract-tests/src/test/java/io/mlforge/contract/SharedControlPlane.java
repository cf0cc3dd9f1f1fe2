package io.mlforge.contract;

import io.mlforge.controlplane.ControlPlane;
import io.mlforge.controlplane.Kubectl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real control plane for the contract tests of this JVM, with MLForge's CRDs installed from the chart by
 * {@code kubectl apply --server-side}, as a user installs them. Started on first use, stopped when the JVM exits.
 */
final class SharedControlPlane {
    private static ControlPlane controlPlane;
    private static AssertionError failed;

    private SharedControlPlane() {}

    static synchronized ControlPlane get() {
        if (failed != null) {
            throw failed;
        }
        if (controlPlane == null) {
            try {
                controlPlane = startWithCrds();
            } catch (AssertionError | RuntimeException e) {
                failed = e instanceof AssertionError a ? a : new AssertionError("the control plane did not start", e);
                throw failed;
            }
        }
        return controlPlane;
    }

    private static ControlPlane startWithCrds() {
        {
            ControlPlane started = null;
            try {
                Path work = Path.of("target/control-plane").toAbsolutePath();
                started = ControlPlane.start(ControlPlane.Options.in(work));
                Runtime.getRuntime().addShutdownHook(new Thread(started::close));
                Kubectl.Result crds = started.kubectl(
                        "apply",
                        "--server-side",
                        "-f",
                        Repo.chart().resolve("crds").toString());
                if (!crds.ok()) {
                    throw new AssertionError("the real API server refused MLForge's CRDs:\n" + crds);
                }
                Kubectl.Result established = started.kubectl(
                        "wait",
                        "--for=condition=Established",
                        "--timeout=60s",
                        "crd/trainingjobs.mlforge.io",
                        "crd/tuningjobs.mlforge.io",
                        "crd/endpoints.mlforge.io");
                if (!established.ok()) {
                    throw new AssertionError("the CRDs did not become Established:\n" + established);
                }
                return started;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (AssertionError | RuntimeException e) {
                if (started != null) {
                    started.close();
                }
                throw e;
            }
        }
    }

    static Kubectl.Result kubectl(String... args) {
        return get().kubectl(args);
    }

    /** kubectl with the manifest on standard input ({@code -f -}). */
    static Kubectl.Result kubectlWithInput(String manifest, String... args) {
        return new Kubectl(get().kubectl(), get().adminKubeconfig()).runWithInput(manifest, args);
    }

    static void createNamespace(String name) {
        Kubectl.Result result = kubectl("create", "namespace", name);
        if (!result.ok() && !result.err().contains("AlreadyExists")) {
            throw new AssertionError(result.toString());
        }
    }

    static Path tempFile(String name, String content) {
        try {
            Path dir = Files.createDirectories(Path.of("target/manifests"));
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
