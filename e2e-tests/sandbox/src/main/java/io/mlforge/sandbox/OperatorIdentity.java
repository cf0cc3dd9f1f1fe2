package io.mlforge.sandbox;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.controlplane.ControlPlane;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * MLForge installed as users install it: {@code helm install} of helm/mlforge-operator (CRDs, ServiceAccount,
 * cluster-wide RBAC) with {@code replicaCount=0}, since the sandbox runs the packaged operator as a process; that
 * process authenticates as the chart's ServiceAccount with a token from the TokenRequest API, so it has exactly the
 * chart's permissions (the API server authorizes with RBAC).
 */
public record OperatorIdentity(String namespace, String serviceAccount, Path kubeconfig) {
    public static final String RELEASE = "mlforge-operator";
    public static final String NAMESPACE = "mlforge-system";

    public static OperatorIdentity install(ControlPlane controlPlane, Path repoRoot, Path workDir) throws IOException, InterruptedException {
        new Helm(repoRoot.resolve("helm/mlforge-operator")).install().withName(RELEASE).withNamespace(NAMESPACE).createNamespace()
                .withKubeConfig(controlPlane.adminKubeconfig()).set("replicaCount", 0).call();
        try (KubernetesClient client = controlPlane.adminClient()) {
            for (String crd : java.util.List.of("trainingjobs.mlforge.io", "tuningjobs.mlforge.io", "endpoints.mlforge.io")) {
                client.apiextensions().v1().customResourceDefinitions().withName(crd).waitUntilCondition(c -> c.getStatus() != null
                        && c.getStatus().getConditions().stream().anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                        60, TimeUnit.SECONDS);
            }
            String serviceAccount = RELEASE; // the chart's fullname for a release named like the chart
            TokenRequest request = new TokenRequestBuilder().withNewSpec().withAudiences("https://kubernetes.default.svc.cluster.local")
                    .withExpirationSeconds(7L * 24 * 3600).endSpec().build();
            TokenRequest issued = client.serviceAccounts().inNamespace(NAMESPACE).withName(serviceAccount).tokenRequest(request);
            Path kubeconfig = controlPlane.writeKubeconfig(workDir.resolve("operator.kubeconfig"), "system:serviceaccount:" + NAMESPACE + ":"
                    + serviceAccount, Map.of("token", issued.getStatus().getToken()), NAMESPACE);
            return new OperatorIdentity(NAMESPACE, serviceAccount, kubeconfig);
        }
    }

    /** The user name the API server knows the operator by (in audit logs and RBAC checks). */
    public String userName() {
        return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }
}
