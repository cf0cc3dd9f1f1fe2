package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.controlplane.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kubectl as users run it against the sandbox's real API server, with the operator running as the chart's
 * ServiceAccount: apply, wait on the documented conditions, get, logs of a training pod through the API server's
 * proxy to the (simulated) kubelet, and {@code kubectl mlforge logs} installed as a kubectl plugin.
 */
class KubectlE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static Sandbox sandbox;
    private static Kubectl kubectl;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(
                new Sandbox.Options(REPO, REPO.resolve("e2e-tests/sandbox/target/e2e-kubectl"), 2, 8, 0.2, 0, true));
        // the plugin as a user installs it: the script and its jar in one directory on PATH
        Path plugins = Files.createDirectories(REPO.resolve("e2e-tests/sandbox/target/e2e-kubectl/plugins"));
        Files.copy(
                REPO.resolve("operator/cli/kubectl-mlforge"),
                plugins.resolve("kubectl-mlforge"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(
                REPO.resolve("operator/cli/target/kubectl-mlforge.jar"),
                plugins.resolve("kubectl-mlforge.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        plugins.resolve("kubectl-mlforge").toFile().setExecutable(true);
        kubectl = new Kubectl(sandbox.controlPlane().kubectl(), sandbox.kubeconfig()).withPluginDirectory(plugins);
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static Kubectl.Result ok(String... args) {
        Kubectl.Result result = kubectl.run(args);
        assertThat(result.ok())
                .as("kubectl %s:\n%s", String.join(" ", args), result)
                .isTrue();
        return result;
    }

    @Test
    void aTrainingJobThroughKubectlApplyWaitGetAndLogs() {
        ok(
                "apply",
                "-f",
                REPO.resolve("config/samples/trainingjob-sandbox-trainer.yaml").toString());
        ok("wait", "--for=condition=Succeeded", "mltj/sandbox-branin", "--timeout=120s");
        assertThat(ok("get", "mltj", "sandbox-branin").out()).contains("Completed");
        assertThat(ok("get", "mlforge").out()).contains("trainingjob.mlforge.io/sandbox-branin");

        // pods/log goes through the API server to the kubelet endpoint of the node the scheduler chose
        String pod = ok(
                        "get",
                        "pods",
                        "-l",
                        "mlforge.io/training-job=sandbox-branin",
                        "-o",
                        "jsonpath={.items[0].metadata.name}")
                .out();
        Kubectl.Result logs = ok("logs", pod, "-c", "trainer");
        assertThat(logs.out()).contains("epoch=1 ", "epoch=12 ");
        assertThat(ok("logs", pod, "-c", "trainer", "--tail=1").out().lines().count())
                .isEqualTo(1);

        Kubectl.Result plugin = ok("mlforge", "logs", "sandbox-branin");
        assertThat(plugin.out()).contains("epoch=12 ");
        // the command the status offers works as written
        String command = ok("get", "mltj", "sandbox-branin", "-o", "jsonpath={.status.logs.command}")
                .out();
        assertThat(command).startsWith("kubectl logs ");
    }

    @Test
    void tuningJobsAndEndpointsHaveConditionsToWaitOn() {
        ok("apply", "-f", REPO.resolve("config/samples/tuningjob-grid.yaml").toString());
        ok(
                "apply",
                "-f",
                REPO.resolve("config/samples/endpoint-weighted-variants.yaml").toString());
        ok("wait", "--for=condition=Ready", "mlep/churn-model", "--timeout=180s");
        ok("wait", "--for=condition=Succeeded", "mltune/rf-grid", "--timeout=240s");
        List<String> rows =
                ok("get", "mltune", "rf-grid", "--no-headers").out().lines().toList();
        assertThat(rows).singleElement().satisfies(r -> assertThat(r).contains("Completed", "Grid"));
        assertThat(ok("get", "mlep", "churn-model", "--no-headers").out()).contains("InService");
    }
}
