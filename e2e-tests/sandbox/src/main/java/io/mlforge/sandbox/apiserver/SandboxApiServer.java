package io.mlforge.sandbox.apiserver;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.mlforge.admission.CrdAdmission;
import io.mlforge.admission.CrdRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An embedded Kubernetes API server: fabric8's in-memory server in CRUD mode on a loopback port, with MLForge's
 * CRDs installed (status subresources on), admission as a real API server does it, and a kubeconfig for clients.
 */
public final class SandboxApiServer implements AutoCloseable {
    public static final List<String> CRD_FILES = List.of(
            "trainingjobs.mlforge.io-v1.yml", "tuningjobs.mlforge.io-v1.yml", "endpoints.mlforge.io-v1.yml");

    private final KubernetesMockServer server;
    private final SandboxDispatcher dispatcher;
    private final RequestStats stats = new RequestStats();
    private final int port;

    private SandboxApiServer(int port) {
        Map<String, String> kindByPlural = new LinkedHashMap<>();
        CrdRegistry registry = new CrdRegistry();
        for (String file : CRD_FILES) {
            String yaml = resource("/META-INF/fabric8/" + file);
            CrdAdmission admission = CrdAdmission.fromYaml(yaml);
            registry.register(admission);
            kindByPlural.put(file.substring(0, file.indexOf('.')), admission.kind());
        }
        this.dispatcher = new SandboxDispatcher(new KubernetesCrudDispatcher(), registry, kindByPlural, stats);
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        try {
            server.init(InetAddress.getLoopbackAddress(), port);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the API server on port " + port + ": " + e.getMessage(), e);
        }
        this.port = server.getPort();
    }

    /** Starts the server (port 0: any free port) and installs the CRDs. */
    public static SandboxApiServer start(int port) {
        SandboxApiServer apiServer = new SandboxApiServer(port);
        try (KubernetesClient client = apiServer.client()) {
            for (String file : CRD_FILES) {
                try (InputStream in = SandboxApiServer.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
                    client.apiextensions().v1().customResourceDefinitions()
                            .resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                    .withName("default").endMetadata().build()).create();
        }
        return apiServer;
    }

    private static String resource(String name) {
        try (InputStream in = SandboxApiServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the classpath (mlforge-crds)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public SandboxDispatcher dispatcher() {
        return dispatcher;
    }

    public RequestStats stats() {
        return stats;
    }

    /** A client of the sandbox itself: its requests are counted apart from the operator's. */
    public KubernetesClient client() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url()).withNamespace("default").withTrustCerts(true)
                .withCustomHeaders(Map.of(RequestStats.CLIENT_HEADER, "sandbox"))
                .withRequestTimeout(30_000).withConnectionTimeout(10_000)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Writes a kubeconfig pointing at this server (any Kubernetes client can use it). */
    public Path writeKubeconfig(Path file) {
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mlforge-sandbox
                  cluster:
                    server: %s
                users:
                - name: sandbox-user
                  user:
                    token: sandbox
                contexts:
                - name: mlforge-sandbox
                  context:
                    cluster: mlforge-sandbox
                    user: sandbox-user
                    namespace: default
                current-context: mlforge-sandbox
                """.formatted(url());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, kubeconfig);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    @Override
    public void close() {
        server.destroy();
    }
}
