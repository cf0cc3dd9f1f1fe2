package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The chart, linted and rendered by real Helm (helm-java), with assertions on the rendered objects. */
class HelmChartTest {
    private static final String RELEASE = "mlforge-operator";
    private static final String NAMESPACE = "mlforge-system";

    private static List<JsonNode> render(UnaryOperator<TemplateCommand> values) {
        TemplateCommand command = new Helm(Repo.chart())
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion("1.37.2");
        return Repo.readYaml(values.apply(command).call());
    }

    private static List<JsonNode> render() {
        return render(c -> c);
    }

    private static java.nio.file.Path valuesFile(String yaml) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("values", ".yaml");
            java.nio.file.Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void fullnameOverrideNamesEveryObject() {
        List<JsonNode> objects = render(c -> c.set("fullnameOverride", "mlf"));
        assertThat(deployment(objects).at("/metadata/name").asText()).isEqualTo("mlf");
        assertThat(find(objects, "ClusterRole", "mlf")).isPresent();
        assertThat(find(objects, "Service", "mlf-metrics")).isPresent();
    }

    private static List<JsonNode> all(List<JsonNode> objects, String kind) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .toList();
    }

    private static Optional<JsonNode> find(List<JsonNode> objects, String kind, String name) {
        return all(objects, kind).stream()
                .filter(o -> o.at("/metadata/name").asText().equals(name))
                .findFirst();
    }

    private static JsonNode deployment(List<JsonNode> objects) {
        List<JsonNode> deployments = all(objects, "Deployment");
        assertThat(deployments).hasSize(1);
        return deployments.get(0);
    }

    private static Map<String, String> env(JsonNode deployment) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        deployment
                .at("/spec/template/spec/containers/0/env")
                .forEach(e -> env.put(
                        e.path("name").asText(),
                        e.has("value")
                                ? e.path("value").asText()
                                : "<from " + e.path("valueFrom").fieldNames().next() + ">"));
        return env;
    }

    @Test
    void lintIsCleanInStrictMode() {
        LintResult lint = new Helm(Repo.chart()).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void defaultsRenderASecureSingleReplicaClusterWideOperator() {
        List<JsonNode> objects = render();
        JsonNode deployment = deployment(objects);
        assertThat(deployment.at("/metadata/namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(deployment.at("/spec/strategy/type").asText())
                .as("one operator at a time without leader election")
                .isEqualTo("Recreate");

        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean())
                .isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean())
                .isFalse();
        assertThat(container.at("/securityContext/capabilities/drop/0").asText())
                .isEqualTo("ALL");
        assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(container.at("/resources/requests/memory").asText()).isNotBlank();
        assertThat(container.at("/resources/limits/memory").asText()).isNotBlank();
        assertThat(container.at("/image").asText()).isEqualTo("ghcr.io/mlforge/mlforge-operator:0.1.0");

        assertThat(env(deployment))
                .containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "JOSDK_ALL_NAMESPACES")
                .containsEntry("MLFORGE_LEADER_ELECTION_ENABLED", "false")
                .containsEntry("POD_NAMESPACE", "<from fieldRef>")
                .doesNotContainKeys("AWS_REGION", "AWS_ACCESS_KEY_ID");

        assertThat(find(objects, "ClusterRole", "mlforge-operator")).isPresent();
        assertThat(find(objects, "ClusterRoleBinding", "mlforge-operator")).isPresent();
        assertThat(all(objects, "Role"))
                .as("no Lease permissions without leader election")
                .isEmpty();
        assertThat(find(objects, "ServiceAccount", "mlforge-operator")).isPresent();
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo("mlforge-operator");
        assertThat(all(objects, "ServiceMonitor")).isEmpty();

        JsonNode service = find(objects, "Service", "mlforge-operator-metrics").orElseThrow();
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        assertThat(service.at("/spec/selector")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
    }

    @Test
    void rbacIsLeastPrivilege() {
        JsonNode role = find(render(), "ClusterRole", "mlforge-operator").orElseThrow();
        List<String> grants = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            for (JsonNode group : rule.path("apiGroups")) {
                for (JsonNode resource : rule.path("resources")) {
                    grants.add(group.asText() + "/" + resource.asText() + ":" + rule.path("verbs"));
                }
            }
        }
        assertThat(grants).noneMatch(g -> g.contains("*")).as("no wildcards");
        assertThat(grants).noneMatch(g -> g.contains("/secrets")).as("no access to Secrets");
        assertThat(grants).noneMatch(g -> g.contains("leases")).as("Leases only in the operator's namespace");
        assertThat(grants)
                .noneMatch(g -> g.contains("customresourcedefinitions"))
                .as("CRDs are installed by Helm");
        assertThat(grants)
                .anyMatch(g -> g.startsWith("mlforge.io/trainingjobs/status:"))
                .anyMatch(g -> g.startsWith("mlforge.io/endpoints/finalizers:"))
                .anyMatch(g -> g.equals("/pods/log:[\"get\"]"))
                .anyMatch(g -> g.startsWith("/events:"));
    }

    @Test
    void twoReplicasTurnLeaderElectionOn() {
        List<JsonNode> objects = render(c -> c.set("replicaCount", 2));
        JsonNode deployment = deployment(objects);
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(env(deployment))
                .containsEntry("MLFORGE_LEADER_ELECTION_ENABLED", "true")
                .containsEntry("MLFORGE_LEADER_ELECTION_LEASE_NAME", "mlforge-operator-leader");
        assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
        JsonNode leaseRole =
                find(objects, "Role", "mlforge-operator-leader-election").orElseThrow();
        assertThat(leaseRole.at("/metadata/namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(leaseRole.at("/rules/0/apiGroups/0").asText()).isEqualTo("coordination.k8s.io");
        assertThat(leaseRole.at("/rules/0/resources/0").asText()).isEqualTo("leases");
        assertThat(leaseRole.at("/rules/0/verbs").toString()).isEqualTo("[\"get\",\"create\",\"update\",\"patch\"]");
        JsonNode binding =
                find(objects, "RoleBinding", "mlforge-operator-leader-election").orElseThrow();
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("mlforge-operator");
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
    }

    @Test
    void leaderElectionCanBeForcedWithOneReplica() {
        List<JsonNode> objects = render(c -> c.set("leaderElection.enabled", true));
        assertThat(env(deployment(objects))).containsEntry("MLFORGE_LEADER_ELECTION_ENABLED", "true");
        assertThat(find(objects, "Role", "mlforge-operator-leader-election")).isPresent();
    }

    @Test
    void listedNamespacesGetNamespacedRbacOnly() {
        List<JsonNode> objects = render(c -> c.withValuesFile(valuesFile("watchNamespaces: [team-a, team-b]")));
        assertThat(env(deployment(objects))).containsEntry("QUARKUS_OPERATOR_SDK_NAMESPACES", "team-a,team-b");
        assertThat(find(objects, "ClusterRole", "mlforge-operator"))
                .as("no cluster-wide access to MLForge resources")
                .isEmpty();
        assertThat(find(objects, "ClusterRoleBinding", "mlforge-operator")).isEmpty();
        List<JsonNode> roles = all(objects, "Role");
        assertThat(roles)
                .extracting(r -> r.at("/metadata/namespace").asText())
                .containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(all(objects, "RoleBinding")).allSatisfy(b -> {
            assertThat(b.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
            assertThat(b.at("/roleRef/kind").asText()).isEqualTo("Role");
        });
        assertThat(roles.get(0).path("rules").toString()).contains("trainingjobs/status");
        assertThat(all(objects, "ClusterRole"))
                .as("nothing cluster-wide in namespaced mode")
                .isEmpty();
    }

    @Test
    void dataAgentRunsFromTheOperatorsImage() {
        assertThat(env(deployment(render(
                        c -> c.set("image.repository", "registry.example/mlf").set("image.tag", "1.2.3")))))
                .containsEntry("MLFORGE_DATA_AGENT_IMAGE", "registry.example/mlf:1.2.3");
        assertThat(env(deployment(render())))
                .containsEntry("MLFORGE_DATA_AGENT_IMAGE", "ghcr.io/mlforge/mlforge-operator:0.1.0");
    }

    @Test
    void serviceMonitorSelectsTheMetricsService() {
        List<JsonNode> objects = render(c ->
                c.set("metrics.serviceMonitor.enabled", true).set("metrics.serviceMonitor.labels.release", "prom"));
        JsonNode monitor = all(objects, "ServiceMonitor").get(0);
        JsonNode service = find(objects, "Service", "mlforge-operator-metrics").orElseThrow();
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prom");
        monitor.at("/spec/selector/matchLabels")
                .fields()
                .forEachRemaining(label -> assertThat(service.at("/metadata/labels")
                                .path(label.getKey())
                                .asText())
                        .isEqualTo(label.getValue().asText()));
        assertThat(monitor.at("/spec/endpoints/0/port").asText())
                .isEqualTo(service.at("/spec/ports/0/name").asText());
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
    }

    @Test
    void irsaAnnotationAndAwsSettingsReachThePod() {
        List<JsonNode> objects = render(c -> c.set(
                        "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn",
                        "arn:aws:iam::123456789012:role/mlforge")
                .set("aws.region", "eu-west-1")
                .set("aws.credentialsSecret", "aws-keys"));
        JsonNode serviceAccount =
                find(objects, "ServiceAccount", "mlforge-operator").orElseThrow();
        assertThat(serviceAccount
                        .at("/metadata/annotations")
                        .path("eks.amazonaws.com/role-arn")
                        .asText())
                .isEqualTo("arn:aws:iam::123456789012:role/mlforge");
        JsonNode deployment = deployment(objects);
        assertThat(env(deployment))
                .containsEntry("AWS_REGION", "eu-west-1")
                .containsEntry("AWS_ACCESS_KEY_ID", "<from secretKeyRef>")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "<from secretKeyRef>");
        deployment.at("/spec/template/spec/containers/0/env").forEach(e -> {
            if (e.path("name").asText().startsWith("AWS_") && e.has("valueFrom")) {
                assertThat(e.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("aws-keys");
            }
        });
    }

    @Test
    void existingServiceAccountIsUsedWhenNotCreated() {
        List<JsonNode> objects =
                render(c -> c.set("serviceAccount.create", false).set("serviceAccount.name", "platform-sa"));
        assertThat(all(objects, "ServiceAccount")).isEmpty();
        assertThat(deployment(objects)
                        .at("/spec/template/spec/serviceAccountName")
                        .asText())
                .isEqualTo("platform-sa");
        assertThat(find(objects, "ClusterRoleBinding", "mlforge-operator")
                        .orElseThrow()
                        .at("/subjects/0/name")
                        .asText())
                .isEqualTo("platform-sa");
    }

    @Test
    void valuesSchemaRejectsBadValues() {
        assertThatThrownBy(() -> render(c -> c.set("replicaCount", -1))).hasMessageContaining("replicaCount");
        assertThatThrownBy(() -> render(c -> c.withValuesFile(valuesFile("watchNamespaces: [Team_A]"))))
                .hasMessageContaining("watchNamespaces");
        assertThatThrownBy(() -> render(c -> c.set("logLevel", "VERBOSE"))).hasMessageContaining("logLevel");
        assertThatThrownBy(() -> render(c -> c.set("replicas", 2))).hasMessageContaining("replicas");
        assertThatThrownBy(() -> render(c -> c.set("aws.region", "Frankfurt"))).hasMessageContaining("region");
    }

    @Test
    void serviceMonitorWithoutServiceFailsClearly() {
        assertThatThrownBy(() -> render(
                        c -> c.set("metrics.serviceMonitor.enabled", true).set("metrics.service.enabled", false)))
                .hasMessageContaining("metrics.serviceMonitor.enabled needs metrics.service.enabled");
    }
}
