package io.mlforge.sandbox.nodes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.mlforge.sagemaker.emulator.SyntheticModel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main containers of the sandbox's serving pods, for real: an HTTP server on the pod's IP and container port
 * ("http", else the first, else 8080) that answers SageMaker's serving contract, {@code GET /ping} and
 * {@code POST /invocations} ({@link SyntheticModel}, keyed by the pod's model-hash annotation, so a new model version answers
 * differently), and names itself in {@code X-MLForge-Pod}. The API server's service and pod proxies, and anything
 * else that dials pod IPs, reach them.
 *
 * <p>Pod IPs come from {@value #POD_CIDR}, which the sandbox routes to this machine once ({@code ip route replace local
 * 10.244.0.0/16 dev lo}, needs CAP_NET_ADMIN; the route stays). They cannot be loopback addresses: the API server
 * does not proxy to 127.0.0.0/8 and Endpoints refuse such addresses. Without the route (not root) serving pods still
 * turn Ready but do not answer, and the sandbox says so once.
 */
public final class ServingContainers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServingContainers.class);
    static final String POD_CIDR = "10.244.0.0/16";
    private static final String MODEL_HASH = "mlforge.io/model-hash";
    private static final AtomicBoolean ROUTED = new AtomicBoolean();

    private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sandbox-serving");
        t.setDaemon(true);
        return t;
    });

    /** Routes the pod network to this machine (once per JVM; idempotent); false when that is not allowed here. */
    public static boolean routePodNetwork() {
        if (ROUTED.get()) {
            return true;
        }
        synchronized (ROUTED) {
            if (ROUTED.get()) {
                return true;
            }
            try {
                Process p = new ProcessBuilder("ip", "route", "replace", "local", POD_CIDR, "dev", "lo")
                        .redirectErrorStream(true)
                        .start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    LOG.warn(
                            "serving pods will not answer HTTP: `ip route replace local {} dev lo` failed ({})",
                            POD_CIDR,
                            output);
                    return false;
                }
                ROUTED.set(true);
                return true;
            } catch (IOException e) {
                LOG.warn("serving pods will not answer HTTP: cannot run ip: {}", e.getMessage());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** The port the pod's main container serves on. */
    static int port(Pod pod) {
        Container main = pod.getSpec().getContainers().get(0);
        if (main.getPorts() == null || main.getPorts().isEmpty()) {
            return 8080;
        }
        return main.getPorts().stream()
                .filter(p -> "http".equals(p.getName()))
                .findFirst()
                .orElse(main.getPorts().get(0))
                .getContainerPort();
    }

    /** Starts the pod's server on {@code ip}; false when it could not (logged). */
    boolean start(String key, Pod pod, String ip) {
        if (!routePodNetwork()) {
            return false;
        }
        int port = port(pod);
        String model = pod.getMetadata().getAnnotations() == null
                ? null
                : pod.getMetadata().getAnnotations().get(MODEL_HASH);
        String identity = (model != null ? model : "") + "|"
                + pod.getSpec().getContainers().get(0).getImage();
        String podName = pod.getMetadata().getName();
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 64);
            server.setExecutor(handlers);
            server.createContext("/ping", exchange -> answer(exchange, podName, 200, "text/plain", new byte[0]));
            server.createContext("/invocations", exchange -> {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    answer(exchange, podName, 405, "text/plain", "POST only\n".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                byte[] body = exchange.getRequestBody().readAllBytes();
                try {
                    SyntheticModel.Answer answer = SyntheticModel.answer(
                            identity, exchange.getRequestHeaders().getFirst("Content-Type"), body);
                    answer(exchange, podName, 200, answer.contentType(), answer.body());
                } catch (IllegalArgumentException e) {
                    answer(
                            exchange,
                            podName,
                            400,
                            "text/plain",
                            (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            });
            server.start();
            HttpServer previous = servers.put(key, server);
            if (previous != null) {
                previous.stop(0);
            }
            return true;
        } catch (IOException e) {
            LOG.warn("serving pod {} cannot listen on {}:{}: {}", key, ip, port, e.getMessage());
            return false;
        }
    }

    private static void answer(HttpExchange exchange, String pod, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-MLForge-Pod", pod);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The pod stopped (deleted, evicted, its node lost): its server goes. */
    void stop(String key) {
        HttpServer server = servers.remove(key);
        if (server != null) {
            server.stop(0);
        }
    }

    @Override
    public void close() {
        servers.keySet().forEach(this::stop);
        handlers.shutdownNow();
    }
}
