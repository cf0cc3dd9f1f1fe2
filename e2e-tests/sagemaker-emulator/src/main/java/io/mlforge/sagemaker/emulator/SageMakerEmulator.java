package io.mlforge.sagemaker.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Amazon SageMaker (with the Application Auto Scaling calls endpoints need and the CloudWatch Logs of training
 * jobs) on a loopback port, speaking the AWS
 * JSON 1.1 protocol: point an AWS SDK client at it with an endpoint override and any static credentials.
 * Requests are not authenticated. Every request is appended to a JSON-lines log; throttling, 5xx errors and latency
 * can be injected at a configured rate.
 */
public final class SageMakerEmulator implements AutoCloseable {
    public static final String ACCOUNT = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What to inject: a share of requests throttled, a share failing with 500, and added latency. */
    public record Faults(double throttleRate, double errorRate, Duration latency) {
        public static final Faults NONE = new Faults(0, 0, Duration.ZERO);
    }

    private final HttpServer server;
    private final Clock clock;
    private final String region;
    private volatile Timing timing;
    private volatile Faults faults = Faults.NONE;
    private final Random random;
    private final BufferedWriter requestLog;
    private final Path requestLogPath;
    private final Map<String, Duration> responseDelays = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> throttleNext = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile int trainingInstanceLimit = 100_000;
    final TrainingJobStore training = new TrainingJobStore(this);
    final HostingStore hosting = new HostingStore(this);
    final TuningJobStore tuning = new TuningJobStore(this, training);
    final AutoScalingStore autoscaling = new AutoScalingStore(this);
    final TrainingLogStore logs = new TrainingLogStore(this, training);

    private SageMakerEmulator(int port, Clock clock, Timing timing, Path requestLog, String region, long seed)
            throws IOException {
        this.clock = clock;
        this.timing = timing;
        this.region = region;
        this.random = new Random(seed);
        Files.createDirectories(requestLog.toAbsolutePath().getParent());
        this.requestLogPath = requestLog;
        this.requestLog = Files.newBufferedWriter(
                requestLog,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        this.server.createContext("/", this::handle);
        this.server.createContext("/endpoints/", this::handleInvoke);
        this.server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "sagemaker-emulator");
            t.setDaemon(true);
            return t;
        }));
        this.server.start();
    }

    public static SageMakerEmulator start(int port, Clock clock, Timing timing, Path requestLog) throws IOException {
        return new SageMakerEmulator(port, clock, timing, requestLog, "us-east-1", 42);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void setFaults(Faults faults) {
        this.faults = faults;
    }

    /**
     * Holds the answers to {@code operation} for {@code delay} after the request took effect (zero: no delay). With
     * it a test stops the operator between a call that went through and the operator learning that it did.
     */
    public void setResponseDelay(String operation, Duration delay) {
        if (delay.isZero()) {
            responseDelays.remove(operation);
        } else {
            responseDelays.put(operation, delay);
        }
    }

    /** Makes a training job finish training at {@code at} (then upload and complete), earlier than its epochs would. */
    public void finishTrainingAt(String name, Instant at) {
        training.get(name).finishTrainingAt = at;
    }

    /** When a training job ended (Completed, Failed or Stopped) by the emulator's clock; empty while it runs or is unknown. */
    public java.util.Optional<Instant> trainingJobEnd(String name) {
        TrainingJobStore.Job job = training.all().stream()
                .filter(j -> j.name.equals(name))
                .findFirst()
                .orElse(null);
        if (job == null) {
            return java.util.Optional.empty();
        }
        TrainingJobStore.Step step = training.current(job, clock.instant());
        return step.status().equals("InProgress") || step.status().equals("Stopping")
                ? java.util.Optional.empty()
                : java.util.Optional.of(step.start());
    }

    /**
     * What exists on the emulated SageMaker now: training jobs, tuning jobs and endpoints by name with the status their
     * Describe call answers, and the names of the endpoint configs and models. Reliability tests compare it with what
     * the Kubernetes objects say they own, to find duplicates and orphans.
     */
    public record Inventory(
            Map<String, String> trainingJobs,
            Map<String, String> tuningJobs,
            Map<String, String> endpoints,
            java.util.Set<String> endpointConfigs,
            java.util.Set<String> models) {}

    public Inventory inventory() {
        Instant now = clock.instant();
        Map<String, String> trainingJobs = new TreeMap<>();
        for (TrainingJobStore.Job job : training.all()) {
            trainingJobs.put(job.name, training.current(job, now).status());
        }
        return new Inventory(
                trainingJobs,
                tuning.statuses(now),
                hosting.endpointStatuses(now),
                hosting.configNames(),
                hosting.modelNames());
    }

    /** Answers the next {@code count} requests of {@code operation} with ThrottlingException. */
    public void throttleNext(String operation, int count) {
        throttleNext.put(operation, new java.util.concurrent.atomic.AtomicInteger(count));
    }

    /** The request log so far: one JSON object per request (time, caller accessKeyId, service, operation, status, error, request). */
    public java.util.List<JsonNode> requestLog() {
        synchronized (requestLog) {
            try {
                java.util.List<JsonNode> lines = new java.util.ArrayList<>();
                for (String line : Files.readAllLines(requestLogPath, StandardCharsets.UTF_8)) {
                    lines.add(JSON.readTree(line));
                }
                return lines;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public void setTiming(Timing timing) {
        this.timing = timing;
    }

    public void setTrainingInstanceLimit(int limit) {
        this.trainingInstanceLimit = limit;
    }

    Timing timing() {
        return timing;
    }

    int trainingInstanceLimit() {
        return trainingInstanceLimit;
    }

    String arn(String resource) {
        return "arn:aws:sagemaker:" + region + ":" + ACCOUNT + ":" + resource;
    }

    /** Requests answered, by operation ("CreateTrainingJob", ...), including rejected ones. */
    public Map<String, Long> requestCounts() {
        Map<String, Long> result = new TreeMap<>();
        counts.forEach((k, v) -> result.put(k, v.sum()));
        return result;
    }

    public long requestCount() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String operation = target == null ? "" : target.substring(target.indexOf('.') + 1);
        byte[] body = exchange.getRequestBody().readAllBytes();
        Instant now = clock.instant();
        counts.computeIfAbsent(operation, k -> new LongAdder()).increment();
        int status;
        String response;
        String errorType = null;
        try {
            if (!faults.latency().isZero()) {
                Thread.sleep(faults.latency().toMillis());
            }
            double roll;
            synchronized (random) {
                roll = random.nextDouble();
            }
            var throttle = throttleNext.get(operation);
            if (roll < faults.throttleRate() || (throttle != null && throttle.getAndDecrement() > 0)) {
                throw new AwsError("ThrottlingException", 400, "Rate exceeded");
            }
            if (roll < faults.throttleRate() + faults.errorRate()) {
                throw new AwsError("InternalFailure", 500, "An internal error occurred (sandbox fault)");
            }
            JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            response = dispatch(target == null ? "" : target, operation, request, now)
                    .toString();
            status = 200;
        } catch (AwsError e) {
            status = e.status();
            errorType = e.type();
            ObjectNode error = JSON.createObjectNode();
            error.put("__type", e.type());
            error.put("message", e.getMessage());
            response = error.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 500;
            response = "{\"__type\":\"InternalFailure\",\"message\":\"interrupted\"}";
        } catch (RuntimeException e) {
            status = 400;
            errorType = "SerializationException";
            response = "{\"__type\":\"SerializationException\",\"message\":\""
                    + String.valueOf(e.getMessage()).replace("\"", "'") + "\"}";
        }
        log(
                now,
                target,
                operation,
                body,
                status,
                errorType,
                accessKeyId(exchange.getRequestHeaders().getFirst("Authorization")));
        Duration delay = responseDelays.get(operation);
        if (delay != null) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders()
                .set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * SageMaker Runtime (REST-JSON): {@code POST /endpoints/NAME/invocations} with the payload as body, the variant in
     * {@code X-Amzn-SageMaker-Target-Variant}; the answer names the variant that served in
     * {@code x-Amzn-Invoked-Production-Variant}. Logged as operation InvokeEndpoint (service SageMakerRuntime).
     */
    private void handleInvoke(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String name = path.substring("/endpoints/".length(), Math.max("/endpoints/".length(), path.lastIndexOf('/')));
        name = java.net.URLDecoder.decode(name, StandardCharsets.UTF_8);
        byte[] body = exchange.getRequestBody().readAllBytes();
        String variant = exchange.getRequestHeaders().getFirst("X-Amzn-SageMaker-Target-Variant");
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        Instant now = clock.instant();
        counts.computeIfAbsent("InvokeEndpoint", k -> new LongAdder()).increment();
        ObjectNode logged = JSON.createObjectNode();
        logged.put("EndpointName", name);
        if (variant != null) {
            logged.put("TargetVariant", variant);
        }
        logged.put("ContentType", contentType);
        logged.put("BodyBytes", body.length);
        int status = 200;
        String errorType = null;
        byte[] answer;
        double roll;
        synchronized (random) {
            roll = random.nextDouble();
        }
        try {
            if (!path.endsWith("/invocations")) {
                throw new AwsError("UnknownOperationException", 404, "Unknown path " + path);
            }
            HostingStore.Invocation invocation = hosting.invoke(name, variant, contentType, body, roll, now);
            answer = invocation.body();
            logged.put("InvokedProductionVariant", invocation.variant());
            exchange.getResponseHeaders().set("Content-Type", invocation.contentType());
            exchange.getResponseHeaders().set("x-Amzn-Invoked-Production-Variant", invocation.variant());
        } catch (AwsError e) {
            status = e.status();
            errorType = e.type();
            ObjectNode error = JSON.createObjectNode();
            error.put("message", e.getMessage());
            answer = error.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("x-amzn-ErrorType", e.type());
        }
        log(
                now,
                "SageMakerRuntime.InvokeEndpoint",
                "InvokeEndpoint",
                logged.toString().getBytes(StandardCharsets.UTF_8),
                status,
                errorType,
                accessKeyId(exchange.getRequestHeaders().getFirst("Authorization")));
        exchange.getResponseHeaders()
                .set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private JsonNode dispatch(String target, String operation, JsonNode request, Instant now) {
        if (target.startsWith("AnyScaleFrontendService.")) {
            return switch (operation) {
                case "RegisterScalableTarget" -> autoscaling.registerScalableTarget(request);
                case "DescribeScalableTargets" -> autoscaling.describeScalableTargets(request);
                case "DeregisterScalableTarget" -> autoscaling.deregisterScalableTarget(request);
                case "PutScalingPolicy" -> autoscaling.putScalingPolicy(request);
                case "DescribeScalingPolicies" -> autoscaling.describeScalingPolicies(request);
                case "DeleteScalingPolicy" -> autoscaling.deleteScalingPolicy(request);
                default -> throw new AwsError("UnknownOperationException", 400, "Unknown operation " + operation);
            };
        }
        if (target.startsWith("Logs_20140328.")) {
            return switch (operation) {
                case "DescribeLogStreams" -> logs.describeLogStreams(request, now);
                case "GetLogEvents" -> logs.getLogEvents(request, now);
                case "FilterLogEvents" -> logs.filterLogEvents(request, now);
                default ->
                    throw new AwsError(
                            "UnknownOperationException", 400, "The sandbox emulator does not implement " + operation);
            };
        }
        if (!target.startsWith("SageMaker.")) {
            throw new AwsError("UnknownOperationException", 400, "Unknown target " + target);
        }
        return switch (operation) {
            case "CreateTrainingJob" -> training.create(request, now, null);
            case "DescribeTrainingJob" -> training.describe(request, now);
            case "StopTrainingJob" -> training.stop(request, now);
            case "ListTrainingJobs" -> training.list(request, now);
            case "CreateHyperParameterTuningJob" -> tuning.create(request, now);
            case "DescribeHyperParameterTuningJob" -> tuning.describe(request, now);
            case "StopHyperParameterTuningJob" -> tuning.stop(request, now);
            case "ListTrainingJobsForHyperParameterTuningJob" -> tuning.listTrainingJobs(request, now);
            case "CreateModel" -> hosting.createModel(request, now);
            case "DescribeModel" -> hosting.describeModel(request);
            case "DeleteModel" -> hosting.deleteModel(request);
            case "CreateEndpointConfig" -> hosting.createEndpointConfig(request, now);
            case "DescribeEndpointConfig" -> hosting.describeEndpointConfig(request);
            case "DeleteEndpointConfig" -> hosting.deleteEndpointConfig(request);
            case "CreateEndpoint" -> hosting.createEndpoint(request, now);
            case "DescribeEndpoint" -> hosting.describeEndpoint(request, now);
            case "UpdateEndpoint" -> hosting.updateEndpoint(request, now);
            case "UpdateEndpointWeightsAndCapacities" -> hosting.updateEndpointWeightsAndCapacities(request, now);
            case "DeleteEndpoint" -> hosting.deleteEndpoint(request, now);
            default ->
                throw new AwsError(
                        "UnknownOperationException", 400, "The sandbox emulator does not implement " + operation);
        };
    }

    /**
     * The access key a request was signed with (SigV4's {@code Credential=KEY/date/region/service/aws4_request}), as
     * CloudTrail records the caller of each call; null when unsigned.
     */
    static String accessKeyId(String authorization) {
        if (authorization == null) {
            return null;
        }
        int start = authorization.indexOf("Credential=");
        if (start < 0) {
            return null;
        }
        int end = authorization.indexOf('/', start);
        return end < 0 ? null : authorization.substring(start + "Credential=".length(), end);
    }

    private void log(
            Instant now,
            String target,
            String operation,
            byte[] body,
            int status,
            String errorType,
            String accessKeyId) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", now.toString());
        if (accessKeyId != null) {
            line.put("accessKeyId", accessKeyId);
        }
        line.put("service", target == null ? "" : target.substring(0, Math.max(0, target.indexOf('.'))));
        line.put("operation", operation);
        line.put("status", status);
        if (errorType != null) {
            line.put("error", errorType);
        }
        try {
            line.set("request", body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body));
        } catch (IOException e) {
            line.put("request", new String(body, StandardCharsets.UTF_8));
        }
        synchronized (requestLog) {
            try {
                requestLog.write(line.toString());
                requestLog.newLine();
                requestLog.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        requestLog.close();
    }
}
