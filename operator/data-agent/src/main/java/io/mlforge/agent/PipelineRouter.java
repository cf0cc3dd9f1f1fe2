package io.mlforge.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * The request router of a serving pod. For an inference pipeline, as SageMaker runs one (serial inference):
 * {@code POST /invocations} goes to the first container, its response (body and content type) is the request of the
 * next, and the last one's response is the answer; a single model is a pipeline of one. {@code GET /ping} is 200 only
 * when every container answers its own health path with 200. Containers listen on the ports given (each started with
 * SAGEMAKER_BIND_TO_PORT). Every invocation is counted by a {@link RequestMeter}, served for Prometheus at
 * {@code GET /metrics} on its own port, so request-driven autoscaling has its signal.
 */
public final class PipelineRouter implements AutoCloseable {
    private final HttpServer server;
    private final HttpServer metricsServer;
    private final List<Integer> ports;
    private final String healthPath;
    private final RequestMeter meter;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public PipelineRouter(int port, List<Integer> containerPorts) throws IOException {
        this(port, containerPorts, "/ping", -1, new RequestMeter(""));
    }

    /** {@code metricsPort}: 0 for any free port, negative for none. */
    public PipelineRouter(
            int port, List<Integer> containerPorts, String healthPath, int metricsPort, RequestMeter meter)
            throws IOException {
        this.ports = List.copyOf(containerPorts);
        this.healthPath = healthPath;
        this.meter = meter;
        this.server = HttpServer.create(new InetSocketAddress(port), 128);
        server.createContext("/ping", this::ping);
        server.createContext("/invocations", this::invoke);
        // a thread per request: concurrency is the autoscaling signal, so requests must never queue in the router
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        if (metricsPort >= 0) {
            metricsServer = HttpServer.create(new InetSocketAddress(metricsPort), 16);
            metricsServer.createContext(
                    "/metrics",
                    exchange -> respond(
                            exchange,
                            200,
                            "text/plain; version=0.0.4; charset=utf-8",
                            meter.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            metricsServer.start();
        } else {
            metricsServer = null;
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The port of {@code GET /metrics}, or -1 without one. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.getAddress().getPort();
    }

    private void ping(HttpExchange exchange) throws IOException {
        for (int port : ports) {
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + healthPath))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) {
                    respond(
                            exchange,
                            503,
                            "text/plain",
                            ("container on port " + port + " answers " + r.statusCode()).getBytes());
                    return;
                }
            } catch (IOException | InterruptedException e) {
                respond(exchange, 503, "text/plain", ("container on port " + port + " is not reachable").getBytes());
                return;
            }
        }
        respond(exchange, 200, "text/plain", new byte[0]);
    }

    private void invoke(HttpExchange exchange) throws IOException {
        long started = meter.started();
        int status = 500;
        try {
            status = forward(exchange);
        } finally {
            meter.finished(started, status);
        }
    }

    /** Passes the request through the stages and answers it; returns the status sent. */
    private int forward(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        for (int i = 0; i < ports.size(); i++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + ports.get(i) + "/invocations"))
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            if (accept != null && i == ports.size() - 1) {
                request.header("Accept", accept);
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(exchange, 503, "text/plain", "interrupted".getBytes());
                return 503;
            }
            if (response.statusCode() != 200) {
                // as SageMaker: the failing container's status and message go back to the caller
                respond(
                        exchange,
                        response.statusCode(),
                        response.headers().firstValue("Content-Type").orElse("text/plain"),
                        response.body());
                return response.statusCode();
            }
            body = response.body();
            contentType = response.headers().firstValue("Content-Type").orElse(contentType);
        }
        respond(exchange, 200, contentType == null ? "application/octet-stream" : contentType, body);
        return 200;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        if (metricsServer != null) {
            metricsServer.stop(0);
        }
    }
}
