package io.mlforge.sandbox.nodes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The kubelet's HTTPS endpoint of the simulated nodes, on loopback: the API server proxies {@code pods/log} here
 * ({@code GET /containerLogs/{namespace}/{pod}/{container}} with sinceTime, timestamps, limitBytes, tailLines and
 * follow), so {@code kubectl logs} works as on a real cluster. Every simulated node names this port as its
 * kubelet endpoint. The serving certificate is self-signed (made with the JDK's keytool): the API server does not
 * verify kubelet certificates unless told a CA.
 */
public final class KubeletEndpoint implements AutoCloseable {
    private final HttpsServer server;
    private final PodLogs logs;

    private KubeletEndpoint(HttpsServer server, PodLogs logs) {
        this.server = server;
        this.logs = logs;
    }

    public static KubeletEndpoint start(PodLogs logs, Path workDir) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path keystore = workDir.resolve("kubelet.p12");
        char[] password = "sandbox-kubelet".toCharArray();
        if (!Files.exists(keystore)) {
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(
                            keytool.toString(),
                            "-genkeypair",
                            "-alias",
                            "kubelet",
                            "-keyalg",
                            "EC",
                            "-groupname",
                            "secp256r1",
                            "-validity",
                            "3650",
                            "-dname",
                            "CN=mlforge-sandbox-kubelet",
                            "-ext",
                            "SAN=ip:127.0.0.1,dns:localhost",
                            "-storetype",
                            "PKCS12",
                            "-keystore",
                            keystore.toString(),
                            "-storepass",
                            new String(password))
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("keytool could not make the kubelet's certificate: " + out);
            }
        }
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "sandbox-kubelet-http");
                t.setDaemon(true);
                return t;
            }));
            KubeletEndpoint endpoint = new KubeletEndpoint(server, logs);
            server.createContext("/containerLogs/", endpoint::containerLogs);
            server.createContext("/healthz", exchange -> respond(exchange, 200, "ok"));
            server.start();
            return endpoint;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot load " + keystore + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void containerLogs(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI()
                .getRawPath()
                .substring("/containerLogs/".length())
                .split("/");
        if (parts.length != 3 || !"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, 404, "not found");
            return;
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String namespace = decode(parts[0]);
        String pod = decode(parts[1]);
        String container = decode(parts[2]);
        boolean timestamps = "true".equals(query.get("timestamps"));
        Integer limitBytes = query.containsKey("limitBytes") ? Integer.valueOf(query.get("limitBytes")) : null;
        Integer tailLines = query.containsKey("tailLines") ? Integer.valueOf(query.get("tailLines")) : null;
        Optional<String> text =
                logs.read(namespace, pod, container, query.get("sinceTime"), timestamps, limitBytes, tailLines);
        if (text.isEmpty()) {
            respond(exchange, 404, "container \"" + container + "\" in pod \"" + pod + "\" is not available");
            return;
        }
        if (!"true".equals(query.get("follow"))) {
            respond(exchange, 200, text.get());
            return;
        }
        // follow: stream new lines until the container ends (its log stops growing and the pod is forgotten) or the
        // client goes
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            String sent = text.get();
            out.write(sent.getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!logs.finished(namespace, pod, container)) {
                Thread.sleep(200);
                Optional<String> now =
                        logs.read(namespace, pod, container, query.get("sinceTime"), timestamps, null, null);
                if (now.isEmpty()) {
                    break;
                }
                if (now.get().length() > sent.length() && now.get().startsWith(sent)) {
                    out.write(now.get().substring(sent.length()).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    sent = now.get();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(
                        decode(eq < 0 ? pair : pair.substring(0, eq)),
                        eq < 0 ? "true" : decode(pair.substring(eq + 1)));
            }
        }
        return query;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
