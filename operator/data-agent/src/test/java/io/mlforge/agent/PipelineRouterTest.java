package io.mlforge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelineRouterTest {
    final List<HttpServer> containers = new ArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    /** A fake serving container: /ping answers {@code ping}, /invocations applies {@code transform} and sets its content type. */
    int container(int ping, String contentType, UnaryOperator<String> transform) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/ping", x -> {
            x.sendResponseHeaders(ping, -1);
            x.close();
        });
        server.createContext("/invocations", x -> {
            String in = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] out = transform
                    .apply(in + "<" + x.getRequestHeaders().getFirst("Content-Type"))
                    .getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", contentType);
            x.sendResponseHeaders(in.contains("boom") ? 400 : 200, out.length);
            x.getResponseBody().write(out);
            x.close();
        });
        server.start();
        containers.add(server);
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        containers.forEach(s -> s.stop(0));
    }

    @Test
    void requestsFlowThroughTheContainersInOrderWithEachOnesContentType() throws Exception {
        int a = container(200, "application/json", in -> "features(" + in + ")");
        int b = container(200, "text/csv", in -> "prediction(" + in + ")");
        try (PipelineRouter router = new PipelineRouter(0, List.of(a, b))) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/invocations"))
                            .header("Content-Type", "text/csv")
                            .POST(HttpRequest.BodyPublishers.ofString("1,2"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("prediction(features(1,2<text/csv)<application/json)");
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/csv");
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/ping"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(200);
            HttpResponse<String> failed = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/invocations"))
                            .POST(HttpRequest.BodyPublishers.ofString("boom"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(failed.statusCode()).as("the failing container's answer").isEqualTo(400);
        }
    }

    @Test
    void pingFailsWhileAnyContainerIsNotReady() throws Exception {
        int a = container(200, "text/plain", in -> in);
        int b = container(503, "text/plain", in -> in);
        try (PipelineRouter router = new PipelineRouter(0, List.of(a, b))) {
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/ping"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(503);
        }
    }

    @Test
    void metricsCountRequestsInFlightAndAnsweredForAutoscaling() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        slow.createContext("/invocations", x -> {
            x.getRequestBody().readAllBytes();
            arrived.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] out = "ok".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, out.length);
            x.getResponseBody().write(out);
            x.close();
        });
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.start();
        containers.add(slow);
        int failing = container(200, "text/plain", in -> in);
        RequestMeter meter = new RequestMeter("mlforge_namespace=team-a,mlforge_endpoint=churn,mlforge_variant=blue");
        try (PipelineRouter router =
                        new PipelineRouter(0, List.of(slow.getAddress().getPort()), "/ping", 0, meter);
                PipelineRouter bad = new PipelineRouter(0, List.of(failing), "/ping", -1, meter)) {
            // more requests at once than the old fixed pool of 16 threads: none may queue in the router
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pending.add(http.sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/invocations"))
                                .POST(HttpRequest.BodyPublishers.ofString("x"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (arrived.get() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String labels = "mlforge_namespace=\"team-a\",mlforge_endpoint=\"churn\",mlforge_variant=\"blue\"";
            assertThat(scrape(router))
                    .contains("# TYPE mlforge_serving_requests_in_flight gauge")
                    .contains("mlforge_serving_requests_in_flight{" + labels + "} 20\n");
            release.countDown();
            for (var f : pending) {
                assertThat(f.get().statusCode()).isEqualTo(200);
            }
            // a stage's error answers count under its status class
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bad.port() + "/invocations"))
                            .POST(HttpRequest.BodyPublishers.ofString("boom"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape(router))
                    .contains("mlforge_serving_requests_in_flight{" + labels + "} 0\n")
                    .contains("mlforge_serving_requests_total{" + labels + ",code=\"2xx\"} 20\n")
                    .contains("mlforge_serving_requests_total{" + labels + ",code=\"4xx\"} 1\n")
                    .contains("mlforge_serving_request_duration_seconds_count{" + labels + "} 21\n");
        }
    }

    private String scrape(PipelineRouter router) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.metricsPort() + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        return r.body();
    }
}
