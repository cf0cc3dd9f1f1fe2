package io.mlforge.cli;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.Variant;
import io.mlforge.api.v1alpha1.VariantStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;

/**
 * {@code invoke ENDPOINT}: sends one request to an Endpoint and prints the answer on stdout, and on stderr which
 * variant served it. Backend SageMaker: SageMaker Runtime's InvokeEndpoint (the variant SageMaker picked by weight, or
 * {@code --variant}). Backend Kubernetes: POST /invocations through the API server's service proxy to the variant's
 * Service, the variant picked by the spec's weights among variants with ready replicas (or {@code --variant}), so
 * no port-forward or ingress is needed and RBAC decides who may call.
 */
final class InvokeCommand {
    private static final Set<EndpointPhase> SERVING = Set.of(EndpointPhase.InService, EndpointPhase.Updating);

    String name;
    String namespace;
    String variant;
    String contentType = "application/json";
    String accept;
    String body;
    Path kubeconfig;
    String region;
    URI endpoint;

    static InvokeCommand parse(String[] args) {
        InvokeCommand c = new InvokeCommand();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = a.startsWith("--") && a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
            String option = value != null ? a.substring(0, a.indexOf('=')) : a;
            switch (option) {
                case "-n", "--namespace" -> c.namespace = value != null ? value : LogsCommand.next(args, ++i, a);
                case "--variant" -> c.variant = value != null ? value : LogsCommand.next(args, ++i, a);
                case "--content-type" -> c.contentType = value != null ? value : LogsCommand.next(args, ++i, a);
                case "--accept" -> c.accept = value != null ? value : LogsCommand.next(args, ++i, a);
                case "--body", "-d" -> c.body = value != null ? value : LogsCommand.next(args, ++i, a);
                case "--kubeconfig" -> c.kubeconfig = Path.of(value != null ? value : LogsCommand.next(args, ++i, a));
                case "--region" -> c.region = value != null ? value : LogsCommand.next(args, ++i, a);
                case "--endpoint-url" ->
                    c.endpoint = URI.create(value != null ? value : LogsCommand.next(args, ++i, a));
                default -> {
                    if (a.startsWith("-") && !a.equals("-")) {
                        throw new MlforgeCli.UsageException("unknown option " + a);
                    }
                    if (c.name != null) {
                        throw new MlforgeCli.UsageException(
                                "one Endpoint at a time (got " + c.name + " and " + a + ")");
                    }
                    c.name = a.startsWith("endpoint/") ? a.substring("endpoint/".length()) : a;
                }
            }
        }
        if (c.name == null) {
            throw new MlforgeCli.UsageException("name the Endpoint");
        }
        if (c.body == null) {
            throw new MlforgeCli.UsageException("give the request with --body @FILE, --body - (stdin) or --body TEXT");
        }
        return c;
    }

    /** The request payload: {@code @FILE}, {@code -} for stdin, else the text itself. */
    byte[] payload(InputStream stdin) {
        try {
            if (body.equals("-")) {
                return stdin.readAllBytes();
            }
            if (body.startsWith("@")) {
                return Files.readAllBytes(Path.of(body.substring(1)));
            }
        } catch (IOException e) {
            throw new MlforgeCli.CliException("cannot read the request body " + body + ": " + e.getMessage());
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    int run(InputStream stdin, PrintStream out, PrintStream err) {
        byte[] payload = payload(stdin);
        try (KubernetesClient client = KubeClients.open(kubeconfig)) {
            String ns = KubeClients.namespace(client, namespace);
            Endpoint e = client.resources(Endpoint.class)
                    .inNamespace(ns)
                    .withName(name)
                    .get();
            if (e == null) {
                throw new MlforgeCli.CliException("Endpoint " + ns + "/" + name + " not found");
            }
            var status = e.getStatus();
            EndpointPhase phase = status == null ? null : status.phase;
            if (phase == EndpointPhase.Failed) {
                throw new MlforgeCli.CliException(
                        "Endpoint " + ns + "/" + name + " failed: " + status.message + " (nothing serves it)");
            }
            if (!SERVING.contains(phase)) {
                throw new MlforgeCli.CliException("Endpoint " + ns + "/" + name + " is not ready: phase "
                        + (phase == null ? "(none yet)" : phase)
                        + (status == null || status.message == null ? "" : " (" + status.message + ")")
                        + "; try again when it is InService (kubectl get mlep " + name + " -n " + ns + " -w)");
            }
            if (variant != null && e.getSpec().variants.stream().noneMatch(v -> v.name.equals(variant))) {
                throw new MlforgeCli.CliException("Endpoint " + ns + "/" + name + " has no variant " + variant
                        + " (variants: "
                        + e.getSpec().variants.stream().map(v -> v.name).toList() + ")");
            }
            Backend backend = e.getSpec().backend == null ? Backend.Kubernetes : e.getSpec().backend;
            return backend == Backend.SageMaker
                    ? sageMaker(e, payload, out, err)
                    : inCluster(client, e, payload, out, err);
        } catch (KubernetesClientException ex) {
            throw new MlforgeCli.CliException("reading Endpoint " + name + ": " + ex.getMessage());
        }
    }

    private int sageMaker(Endpoint e, byte[] payload, PrintStream out, PrintStream err) {
        var sm = e.getStatus().sagemaker;
        if (sm == null || sm.endpointName == null) {
            throw new MlforgeCli.CliException("Endpoint " + name + " has no SageMaker endpoint yet");
        }
        if (e.getSpec().async != null) {
            throw new MlforgeCli.CliException("Endpoint " + name + " is asynchronous: SageMaker takes its requests"
                    + " from S3 (InvokeEndpointAsync with an input location) and writes answers to "
                    + e.getSpec().async.outputUri + "; invoke sends real-time requests only");
        }
        try (AwsAccess aws = AwsAccess.of(
                        e.getSpec().sagemaker == null ? null : e.getSpec().sagemaker.assumeRoleArn,
                        region,
                        sm.region,
                        e.getSpec().sagemaker == null ? null : e.getSpec().sagemaker.region);
                SageMakerRuntimeClient runtime = runtime(aws)) {
            InvokeEndpointResponse response = runtime.invokeEndpoint(r -> r.endpointName(sm.endpointName)
                    .contentType(contentType)
                    .accept(accept)
                    .targetVariant(variant)
                    .body(SdkBytes.fromByteArray(payload)));
            print(response.body().asByteArray(), out);
            err.println("served by variant " + response.invokedProductionVariant() + " of SageMaker endpoint "
                    + sm.endpointName + " (" + response.contentType() + ")");
            return 0;
        } catch (SageMakerRuntimeException ex) {
            throw new MlforgeCli.CliException("SageMaker endpoint " + sm.endpointName + " answered "
                    + ex.statusCode() + " "
                    + (ex.awsErrorDetails() == null
                            ? ex.getMessage()
                            : ex.awsErrorDetails().errorCode() + ": "
                                    + ex.awsErrorDetails().errorMessage()));
        } catch (SdkException ex) {
            throw new MlforgeCli.CliException("calling SageMaker endpoint " + sm.endpointName + ": " + ex.getMessage());
        } catch (IOException ex) {
            throw new MlforgeCli.CliException("writing the answer: " + ex.getMessage());
        }
    }

    private SageMakerRuntimeClient runtime(AwsAccess aws) {
        var builder = SageMakerRuntimeClient.builder()
                .region(aws.region)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(aws.credentials);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    private int inCluster(KubernetesClient client, Endpoint e, byte[] payload, PrintStream out, PrintStream err) {
        String ns = e.getMetadata().getNamespace();
        String chosen = variant != null ? variant : pickByWeight(e);
        Service service =
                client.services().inNamespace(ns).withLabel("mlforge.io/variant", chosen).list().getItems().stream()
                        .filter(s -> s.getMetadata().getOwnerReferences().stream()
                                .anyMatch(o -> e.getMetadata().getUid().equals(o.getUid())))
                        .findFirst()
                        .orElseThrow(() -> new MlforgeCli.CliException(
                                "Endpoint " + ns + "/" + name + " has no Service for variant " + chosen + " yet"));
        String path = "api/v1/namespaces/" + enc(ns) + "/services/"
                + enc(service.getMetadata().getName()) + ":http/proxy/invocations";
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/" + path;
        HttpRequest.Builder request =
                client.getHttpClient().newHttpRequestBuilder().uri(url).post(contentType, payload);
        if (accept != null) {
            request.header("Accept", accept);
        }
        try {
            HttpResponse<byte[]> response = client.getHttpClient()
                    .sendAsync(request.build(), byte[].class)
                    .get(60, TimeUnit.SECONDS);
            byte[] answer = response.body() == null ? new byte[0] : response.body();
            if (!response.isSuccessful()) {
                String text = new String(answer, StandardCharsets.UTF_8).strip();
                throw new MlforgeCli.CliException("variant " + chosen + " of Endpoint " + ns + "/" + name
                        + " answered " + response.code() + ": "
                        + (text.contains("no endpoints available") ? "no ready replica (" + text + ")" : text));
            }
            print(answer, out);
            err.println("served by variant " + chosen + " of Endpoint " + ns + "/" + name + " (Service "
                    + service.getMetadata().getName() + ", through the API server's service proxy)");
            return 0;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new MlforgeCli.CliException("interrupted");
        } catch (ExecutionException | TimeoutException | IOException ex) {
            throw new MlforgeCli.CliException(
                    "calling variant " + chosen + " of Endpoint " + ns + "/" + name + ": " + ex.getMessage());
        }
    }

    /** A variant with ready replicas, picked in proportion to the spec's weights (as the endpoint's router does). */
    private String pickByWeight(Endpoint e) {
        Map<String, Integer> ready = new java.util.HashMap<>();
        List<VariantStatus> statuses = e.getStatus().variants == null ? List.of() : e.getStatus().variants;
        statuses.forEach(v -> ready.put(v.name, v.readyInstances == null ? 0 : v.readyInstances));
        List<Variant> candidates = new ArrayList<>();
        double total = 0;
        for (Variant v : e.getSpec().variants) {
            double w = v.weight == null ? 1.0 : v.weight;
            if (w > 0 && ready.getOrDefault(v.name, 0) > 0) {
                candidates.add(v);
                total += w;
            }
        }
        if (candidates.isEmpty()) {
            throw new MlforgeCli.CliException("Endpoint " + e.getMetadata().getNamespace() + "/" + name
                    + " has no variant with weight above 0 and a ready replica");
        }
        double at = ThreadLocalRandom.current().nextDouble(total);
        for (Variant v : candidates) {
            at -= v.weight == null ? 1.0 : v.weight;
            if (at < 0) {
                return v.name;
            }
        }
        return candidates.get(candidates.size() - 1).name;
    }

    /** The answer as it came, ending with a newline so that the shell prompt starts on a line of its own. */
    private static void print(byte[] answer, PrintStream out) throws IOException {
        out.write(answer);
        if (answer.length > 0 && answer[answer.length - 1] != '\n') {
            out.write('\n');
        }
        out.flush();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
