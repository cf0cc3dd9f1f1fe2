package io.mlforge.operator.support;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.controlplane.ControlPlane;
import io.mlforge.controlplane.KubeBinaries;
import io.mlforge.controlplane.OperatorIdentity;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator under test against a real Kubernetes control plane (e2e-tests/control-plane), set up as a user
 * installs MLForge: the Helm chart installed with the test's values (CRDs, ServiceAccount, RBAC) and the operator's
 * Kubernetes client authenticated as the chart's ServiceAccount, so the test runs with exactly the chart's
 * permissions. Tests get an admin client for their own set-up through a field annotated {@link Admin}.
 *
 * <p>Arguments ({@code @QuarkusTestResource(initArgs = ...)}): {@code namespaces} (created first, comma-separated),
 * {@code watchNamespaces} (the chart's watchNamespaces, comma-separated; none: cluster-wide), {@code leaderElection}
 * (the chart's leaderElection.enabled), {@code leaseName} and {@code leaseHeldBy} (a Lease in the operator's namespace
 * already held for an hour by another replica).
 */
public class RealControlPlane implements QuarkusTestResourceLifecycleManager {
    /** Marks a {@link KubernetesClient} field of the test that receives the cluster admin's client. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Admin {}

    private Map<String, String> args = Map.of();
    private ControlPlane controlPlane;
    private KubernetesClient admin;

    @Override
    public void init(Map<String, String> initArgs) {
        this.args = initArgs;
    }

    private List<String> list(String name) {
        String value = args.getOrDefault(name, "");
        return value.isBlank()
                ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).toList();
    }

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createDirectories(Path.of("target/control-plane"))
                    .resolve(getClass().getSimpleName() + "-" + System.nanoTime());
            controlPlane = ControlPlane.start(ControlPlane.Options.in(dir));
            admin = controlPlane.adminClient();
            for (String namespace : list("namespaces")) {
                admin.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(namespace)
                                .endMetadata()
                                .build())
                        .create();
            }
            Map<String, Object> values = new LinkedHashMap<>();
            List<String> watched = list("watchNamespaces");
            for (int i = 0; i < watched.size(); i++) {
                values.put("watchNamespaces[" + i + "]", watched.get(i));
            }
            if (Boolean.parseBoolean(args.getOrDefault("leaderElection", "false"))) {
                values.put("leaderElection.enabled", true);
            }
            OperatorIdentity operator = OperatorIdentity.install(controlPlane, KubeBinaries.repoRoot(), dir, values);
            if (args.containsKey("leaseHeldBy")) {
                ZonedDateTime now = ZonedDateTime.now();
                admin.leases()
                        .inNamespace(operator.namespace())
                        .resource(new LeaseBuilder()
                                .withNewMetadata()
                                .withName(args.get("leaseName"))
                                .endMetadata()
                                .withNewSpec()
                                .withHolderIdentity(args.get("leaseHeldBy"))
                                .withLeaseDurationSeconds(3600)
                                .withAcquireTime(now)
                                .withRenewTime(now)
                                .withLeaseTransitions(0)
                                .endSpec()
                                .build())
                        .create();
            }
            Map<String, String> config = new LinkedHashMap<>();
            config.put("quarkus.kubernetes-client.api-server-url", controlPlane.url());
            config.put(
                    "quarkus.kubernetes-client.ca-cert-file",
                    controlPlane.caFile().toString());
            config.put("quarkus.kubernetes-client.token", operator.token());
            config.put("quarkus.kubernetes-client.namespace", operator.namespace());
            config.put("quarkus.kubernetes-client.trust-certs", "false");
            config.put("mlforge.pod-namespace", operator.namespace());
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(
                admin, new TestInjector.AnnotatedAndMatchesType(Admin.class, KubernetesClient.class));
    }

    @Override
    public void stop() {
        if (admin != null) {
            admin.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }
}
