package io.mlforge.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real control plane's request audit, as the benchmarks and end-to-end tests count an operator's requests: a
 * service account's requests are recorded, the admin client's are not (auditing every request made the API server
 * slower in the one benchmark phase that had audit on), and the components report their CPU time.
 */
class ControlPlaneAuditTest {
    private static ControlPlane controlPlane;

    @BeforeAll
    static void start() throws Exception {
        Path workDir = Files.createTempDirectory("control-plane-audit");
        controlPlane = ControlPlane.start(ControlPlane.Options.in(workDir).withRequestAudit(true));
    }

    @AfterAll
    static void stop() {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void aServiceAccountsRequestsAreAuditedAndTheAdminsAreNot() throws Exception {
        String user = "system:serviceaccount:default:auditee";
        try (KubernetesClient admin = controlPlane.adminClient()) {
            admin.serviceAccounts()
                    .resource(new ServiceAccountBuilder()
                            .withNewMetadata()
                            .withName("auditee")
                            .withNamespace("default")
                            .endMetadata()
                            .build())
                    .create();
            admin.rbac()
                    .clusterRoleBindings()
                    .resource(new ClusterRoleBindingBuilder()
                            .withNewMetadata()
                            .withName("auditee-view")
                            .endMetadata()
                            .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "view")
                            .addNewSubject()
                            .withKind("ServiceAccount")
                            .withName("auditee")
                            .withNamespace("default")
                            .endSubject()
                            .build())
                    .create();
            TokenRequest token = admin.serviceAccounts()
                    .inNamespace("default")
                    .withName("auditee")
                    .tokenRequest(new TokenRequestBuilder()
                            .withNewSpec()
                            .withAudiences("https://kubernetes.default.svc.cluster.local")
                            .withExpirationSeconds(3600L)
                            .endSpec()
                            .build());
            controlPlane.resetRequests();
            admin.configMaps()
                    .inNamespace("default")
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("by-admin")
                            .endMetadata()
                            .build())
                    .create();
            try (KubernetesClient serviceAccount =
                    controlPlane.client(token.getStatus().getToken(), Map.of())) {
                serviceAccount.configMaps().inNamespace("default").list();
                serviceAccount
                        .configMaps()
                        .inNamespace("default")
                        .withName("by-admin")
                        .get();
            }
        }

        assertThat(controlPlane.requestsUpToNow(user))
                .extracting(r -> r.verb() + " " + r.fullResource())
                .containsExactly("list configmaps", "get configmaps");
        assertThat(controlPlane.requestsUpToNow(ControlPlane.ADMIN_USER))
                .extracting(r -> r.verb() + " " + r.fullResource())
                .as("the admin's create is not audited, only its marker reads")
                .isNotEmpty()
                .containsOnly("get configmaps");
    }

    @Test
    void componentsReportTheirCpuTime() {
        Duration apiServer = controlPlane.cpuTime("kube-apiserver");
        assertThat(apiServer).as("kube-apiserver's CPU time").isNotNull().isPositive();
        assertThat(controlPlane.cpuTime("etcd"))
                .as("etcd's CPU time")
                .isNotNull()
                .isPositive();
        assertThat(controlPlane.cpuTime("no-such-component")).isNull();
    }
}
