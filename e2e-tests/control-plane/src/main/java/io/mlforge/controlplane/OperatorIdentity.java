package io.mlforge.controlplane;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * MLForge installed as users install it: {@code helm install} of helm/mlforge-operator (CRDs, ServiceAccount, RBAC)
 * with {@code replicaCount=0}, since tests and the sandbox run the operator themselves (as a process or in the test
 * JVM); the operator authenticates as the chart's ServiceAccount with a token from the TokenRequest API, so it has
 * exactly the chart's permissions (the API server authorizes with RBAC).
 */
public record OperatorIdentity(String namespace, String serviceAccount, Path kubeconfig, String token) {
    public static final String RELEASE = "mlforge-operator";
    public static final String NAMESPACE = "mlforge-system";

    /** The chart installed cluster-wide with its default values. */
    public static OperatorIdentity install(ControlPlane controlPlane, Path repoRoot, Path workDir)
            throws IOException, InterruptedException {
        return install(controlPlane, repoRoot, workDir, Map.of());
    }

    /** The chart installed with these values set (as {@code --set}: "watchNamespaces[0]", "leaderElection.enabled", ...). */
    public static OperatorIdentity install(
            ControlPlane controlPlane, Path repoRoot, Path workDir, Map<String, Object> values)
            throws IOException, InterruptedException {
        var install = new Helm(repoRoot.resolve("helm/mlforge-operator"))
                .install()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .createNamespace()
                .withKubeConfig(controlPlane.adminKubeconfig())
                .set("replicaCount", 0);
        values.forEach(install::set);
        try {
            install.call();
        } finally {
            JvmTerminationSignals.restore(); // helm-java's install took them over
        }
        try (KubernetesClient client = controlPlane.adminClient()) {
            for (String crd :
                    java.util.List.of("trainingjobs.mlforge.io", "tuningjobs.mlforge.io", "endpoints.mlforge.io")) {
                ControlPlane.awaitEstablished(client, crd);
            }
            String serviceAccount = RELEASE; // the chart's fullname for a release named like the chart
            TokenRequest request = new TokenRequestBuilder()
                    .withNewSpec()
                    .withAudiences("https://kubernetes.default.svc.cluster.local")
                    .withExpirationSeconds(7L * 24 * 3600)
                    .endSpec()
                    .build();
            TokenRequest issued = client.serviceAccounts()
                    .inNamespace(NAMESPACE)
                    .withName(serviceAccount)
                    .tokenRequest(request);
            Path kubeconfig = controlPlane.writeKubeconfig(
                    workDir.resolve("operator.kubeconfig"),
                    "system:serviceaccount:" + NAMESPACE + ":" + serviceAccount,
                    Map.of("token", issued.getStatus().getToken()),
                    NAMESPACE);
            return new OperatorIdentity(
                    NAMESPACE, serviceAccount, kubeconfig, issued.getStatus().getToken());
        }
    }

    /** The user name the API server knows the operator by (in audit logs and RBAC checks). */
    public String userName() {
        return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }
}
