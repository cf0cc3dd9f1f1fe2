package io.mlforge.sandbox;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.controlplane.ControlPlane;
import io.mlforge.controlplane.GoTool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * KEDA's API as a cluster with KEDA installed serves it: the upstream CustomResourceDefinitions (ScaledObject,
 * TriggerAuthentication, …) from KEDA's own Go module, fetched through the Go module proxy, so the objects MLForge
 * writes are checked against KEDA's real schema by the API server. KEDA's operator and metrics server are not run.
 */
public final class Keda {
    /** The KEDA release whose CRDs are installed. */
    public static final String VERSION = "v2.21.0";

    private static final List<String> CRDS = List.of(
            "keda.sh_scaledobjects.yaml",
            "keda.sh_scaledjobs.yaml",
            "keda.sh_triggerauthentications.yaml",
            "keda.sh_clustertriggerauthentications.yaml");

    private Keda() {}

    public static void install(KubernetesClient client) throws IOException, InterruptedException {
        Path bases = GoTool.moduleSource("github.com/kedacore/keda/v2", VERSION).resolve("config/crd/bases");
        for (String file : CRDS) {
            CustomResourceDefinition crd;
            try (InputStream in = Files.newInputStream(bases.resolve(file))) {
                crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
            }
            ControlPlane.applyCrd(client, crd);
            ControlPlane.awaitEstablished(client, crd.getMetadata().getName());
        }
    }

    /** Removes KEDA's API again (and with it every ScaledObject). */
    public static void uninstall(KubernetesClient client) {
        for (String file : CRDS) {
            String name = file.substring(file.indexOf('_') + 1, file.length() - ".yaml".length()) + "."
                    + file.substring(0, file.indexOf('_'));
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName(name)
                    .delete();
        }
    }
}
