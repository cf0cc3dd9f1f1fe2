package io.mlforge.sandbox;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.controlplane.ControlPlane;
import java.util.List;

/**
 * The Gateway API's resources as a cluster with its CRDs installed serves them (gateway.networking.k8s.io/v1
 * Gateway and HTTPRoute). The upstream CRDs are not vendored here; these carry the same group, version, kinds and
 * scope with an open schema, which is all MLForge relies on (discovery, then create/update of HTTPRoutes).
 */
public final class GatewayApi {
    private GatewayApi() {}

    public static void install(KubernetesClient client) {
        for (String[] kind : List.of(
                new String[] {"Gateway", "gateways", "gateway"},
                new String[] {"HTTPRoute", "httproutes", "httproute"})) {
            CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                    .withNewMetadata()
                    .withName(kind[1] + ".gateway.networking.k8s.io")
                    .addToAnnotations(
                            "api-approved.kubernetes.io", "https://github.com/kubernetes-sigs/gateway-api/pull/3328")
                    .endMetadata()
                    .withNewSpec()
                    .withGroup("gateway.networking.k8s.io")
                    .withScope("Namespaced")
                    .withNewNames()
                    .withKind(kind[0])
                    .withPlural(kind[1])
                    .withSingular(kind[2])
                    .withListKind(kind[0] + "List")
                    .endNames()
                    .addNewVersion()
                    .withName("v1")
                    .withServed(true)
                    .withStorage(true)
                    .withNewSubresources()
                    .withNewStatus()
                    .endStatus()
                    .endSubresources()
                    .withNewSchema()
                    .withNewOpenAPIV3Schema()
                    .withType("object")
                    .addToProperties(
                            "spec",
                            new io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder()
                                    .withType("object")
                                    .withXKubernetesPreserveUnknownFields(true)
                                    .build())
                    .addToProperties(
                            "status",
                            new io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder()
                                    .withType("object")
                                    .withXKubernetesPreserveUnknownFields(true)
                                    .build())
                    .endOpenAPIV3Schema()
                    .endSchema()
                    .endVersion()
                    .endSpec()
                    .build();
            ControlPlane.applyCrd(client, crd);
            ControlPlane.awaitEstablished(client, crd.getMetadata().getName());
        }
    }
}
