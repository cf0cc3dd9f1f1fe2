package io.mlforge.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The CLI's Kubernetes client: from --kubeconfig, else as kubectl finds it ($KUBECONFIG, ~/.kube/config). */
final class KubeClients {
    private KubeClients() {}

    static KubernetesClient open(Path kubeconfig) {
        if (kubeconfig == null) {
            return new KubernetesClientBuilder().build();
        }
        try {
            return new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
                    .build();
        } catch (IOException e) {
            throw new MlforgeCli.CliException("cannot read " + kubeconfig + ": " + e.getMessage());
        }
    }

    /** The namespace asked for, else the kubeconfig context's, else default. */
    static String namespace(KubernetesClient client, String asked) {
        return asked != null
                ? asked
                : Optional.ofNullable(client.getNamespace()).orElse("default");
    }
}
