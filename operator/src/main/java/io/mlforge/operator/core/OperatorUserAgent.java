package io.mlforge.operator.core;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Names the operator in every request it makes to kube-apiserver: User-Agent {@code mlforge-operator/<version>}.
 * kube-apiserver's audit log shows it, and a write that names no field manager is recorded under the User-Agent's
 * part before the "/", so {@code kubectl get --show-managed-fields} shows a TrainingJob's status, its pods and the
 * Events as written by {@code mlforge-operator} (as kube-controller-manager's writes show its name), not by the
 * client library's default, {@code fabric8-kubernetes-client}, which any Java tool a user runs shares.
 */
@Singleton
public class OperatorUserAgent implements KubernetesConfigCustomizer {
    /** The field manager the operator's writes are recorded under. */
    public static final String FIELD_MANAGER = EventRecorder.COMPONENT;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    @Override
    public void customize(Config config) {
        config.setUserAgent(FIELD_MANAGER + "/" + version);
    }
}
