package io.mlforge.operator.support;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Installs MLForge's generated CRDs in the mock API server, so it treats their status as a subresource as a real
 * API server does (spec updates never overwrite status and the other way round).
 */
public class MlforgeCrdsSetup implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
        for (String file : List.of(
                "trainingjobs.mlforge.io-v1.yml", "tuningjobs.mlforge.io-v1.yml", "endpoints.mlforge.io-v1.yml")) {
            try (InputStream in = MlforgeCrdsSetup.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
                CustomResourceDefinition crd =
                        server.getClient().getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
                server.getClient()
                        .apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(crd)
                        .create();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
