package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.mlforge.controlplane.JvmTerminationSignals;
import io.mlforge.controlplane.Kubectl;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The chart as users install it: real Helm (helm-java) against the real API server, with RBAC authorization on,
 * cluster-wide and namespaced; install, upgrade and uninstall; and what the installed ServiceAccount may do, asked
 * of the API server's authorizer with {@code kubectl auth can-i --as}.
 */
class RealApiServerHelmTest {
    /** The installs below took SIGTERM and SIGINT from this JVM (see JvmTerminationSignals). */
    @AfterAll
    static void giveTheTerminationSignalsBackToTheJvm() {
        JvmTerminationSignals.restore();
    }

    private static Path kubeconfig() {
        return SharedControlPlane.get().adminKubeconfig();
    }

    private static String canI(String serviceAccount, String verb, String resource, String namespace) {
        String[] parts = resource.split("/", 2); // kubectl reads TYPE/NAME, so subresources go in --subresource
        Kubectl.Result result = parts.length == 2
                ? SharedControlPlane.kubectl(
                        "auth",
                        "can-i",
                        verb,
                        parts[0],
                        "--subresource=" + parts[1],
                        "-n",
                        namespace,
                        "--as",
                        serviceAccount)
                : SharedControlPlane.kubectl("auth", "can-i", verb, resource, "-n", namespace, "--as", serviceAccount);
        return result.out().trim();
    }

    @Test
    void clusterWideInstallUpgradeAndUninstall() {
        Release installed = new Helm(Repo.chart())
                .install()
                .withName("mlf-cluster")
                .withNamespace("mlf-cluster-system")
                .createNamespace()
                .withKubeConfig(kubeconfig())
                .call();
        assertThat(installed.getStatus()).isEqualTo("deployed");
        String sa = "system:serviceaccount:mlf-cluster-system:mlf-cluster-mlforge-operator";
        assertThat(SharedControlPlane.kubectl(
                                "get", "serviceaccount", "mlf-cluster-mlforge-operator", "-n", "mlf-cluster-system")
                        .ok())
                .isTrue();
        assertThat(SharedControlPlane.kubectl("get", "clusterrole", "mlf-cluster-mlforge-operator")
                        .ok())
                .isTrue();

        // what the operator does, it may do in any namespace; what it never does, it may not
        for (String namespace : java.util.List.of("default", "team-x")) {
            assertThat(canI(sa, "create", "pods", namespace)).isEqualTo("yes");
            assertThat(canI(sa, "deletecollection", "pods", namespace)).isEqualTo("yes");
            assertThat(canI(sa, "get", "pods/log", namespace)).isEqualTo("yes");
            assertThat(canI(sa, "update", "trainingjobs.mlforge.io/status", namespace))
                    .isEqualTo("yes");
            assertThat(canI(sa, "get", "configmaps", namespace))
                    .as("the operator never touches ConfigMaps")
                    .isEqualTo("no");
            assertThat(canI(sa, "create", "deployments.apps", namespace)).isEqualTo("yes");
            assertThat(canI(sa, "create", "events", namespace)).isEqualTo("yes");
            assertThat(canI(sa, "get", "secrets", namespace)).isEqualTo("no");
            assertThat(canI(sa, "create", "pods/exec", namespace)).isEqualTo("no");
            assertThat(canI(sa, "delete", "nodes", namespace)).isEqualTo("no");
        }
        assertThat(canI(sa, "create", "customresourcedefinitions.apiextensions.k8s.io", "default"))
                .as("the chart installs CRDs, not the operator")
                .isEqualTo("no");

        Release upgraded = Helm.upgrade(Repo.chart().toString())
                .withName("mlf-cluster")
                .withNamespace("mlf-cluster-system")
                .withKubeConfig(kubeconfig())
                .reuseValues()
                .set("logLevel", "DEBUG")
                .set("replicaCount", 2)
                .call();
        assertThat(upgraded.getRevision()).isEqualTo("2");
        Kubectl.Result deployment = SharedControlPlane.kubectl(
                "get",
                "deployment",
                "mlf-cluster-mlforge-operator",
                "-n",
                "mlf-cluster-system",
                "-o",
                "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].env}");
        assertThat(deployment.out()).startsWith("2 ").contains("DEBUG").contains("MLFORGE_LEADER_ELECTION_ENABLED");

        Helm.uninstall("mlf-cluster")
                .withNamespace("mlf-cluster-system")
                .withKubeConfig(kubeconfig())
                .call();
        assertThat(SharedControlPlane.kubectl("get", "clusterrole", "mlf-cluster-mlforge-operator")
                        .ok())
                .isFalse();
        assertThat(SharedControlPlane.kubectl("get", "deployment", "-n", "mlf-cluster-system", "-o", "name")
                        .out())
                .isEmpty();
        assertThat(SharedControlPlane.kubectl("get", "crd", "trainingjobs.mlforge.io")
                        .ok())
                .as("uninstall keeps the CRDs (and the users' resources)")
                .isTrue();
    }

    @Test
    void namespacedInstallGrantsOnlyTheWatchedNamespaces() {
        SharedControlPlane.createNamespace("team-a");
        SharedControlPlane.createNamespace("team-b");
        SharedControlPlane.createNamespace("team-c");
        Release installed = new Helm(Repo.chart())
                .install()
                .withName("mlf-ns")
                .withNamespace("mlf-ns-system")
                .createNamespace()
                .withKubeConfig(kubeconfig())
                .set("watchNamespaces[0]", "team-a")
                .set("watchNamespaces[1]", "team-b")
                .call();
        assertThat(installed.getStatus()).isEqualTo("deployed");
        String sa = "system:serviceaccount:mlf-ns-system:mlf-ns-mlforge-operator";
        assertThat(canI(sa, "create", "pods", "team-a")).isEqualTo("yes");
        assertThat(canI(sa, "watch", "trainingjobs.mlforge.io", "team-b")).isEqualTo("yes");
        assertThat(canI(sa, "create", "pods", "team-c")).isEqualTo("no");
        assertThat(canI(sa, "watch", "trainingjobs.mlforge.io", "team-c")).isEqualTo("no");
        assertThat(SharedControlPlane.kubectl("get", "clusterrole", "mlf-ns-mlforge-operator")
                        .ok())
                .isFalse();
        Helm.uninstall("mlf-ns")
                .withNamespace("mlf-ns-system")
                .withKubeConfig(kubeconfig())
                .call();
        assertThat(canI(sa, "create", "pods", "team-a")).isEqualTo("no");
    }
}
