package io.mlforge.sandbox.bench;

import static io.mlforge.sandbox.bench.Bench.loadAverage;
import static io.mlforge.sandbox.bench.Bench.parallel;
import static io.mlforge.sandbox.bench.Bench.progress;
import static io.mlforge.sandbox.bench.Bench.round;
import static io.mlforge.sandbox.bench.Bench.seconds;
import static io.mlforge.sandbox.bench.Bench.waitFor;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * N in-cluster Endpoints (one variant, one replica each) applied at once to the packaged operator in the sandbox:
 * time until all are InService, the operator's API requests per endpoint, RSS and CPU, and in both phases the CPU
 * of every other process with kube-apiserver's by part ({@link Bench.ControlPlaneMeter}). The floor, in the same run
 * and on an identical simulated cluster: the same Deployments and Services, created directly by a client (copies of
 * what the operator made, without owner and labels of MLForge), until every Deployment has its replica ready.
 *
 * <p>Run: {@code ./mvnw -Pbenchmark-endpoints -DskipTests verify -Dbenchmark.endpoints=500}
 */
public final class EndpointBenchmark {
    private static final String ENDPOINT_LABEL = "mlforge.io/endpoint";

    private EndpointBenchmark() {}

    public static void main(String[] args) throws Exception {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        double speed = args.length > 1 ? Double.parseDouble(args[1]) : 0.2;
        Path repo = Path.of(args.length > 2 ? args[2] : ".").toAbsolutePath().normalize();
        Path out = repo.resolve("e2e-tests/sandbox/target/benchmark");
        Files.createDirectories(out);
        int nodes = Math.max(4, (endpoints + 7) / 8);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("endpoints", endpoints);
        figures.put("nodes", nodes);
        figures.put("speed", speed);
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        // The operator first: the floor creates copies of the Deployments and Services it made.
        Made made = withOperator(repo, out, endpoints, nodes, speed, figures);
        floor(repo, out, made, nodes, speed, figures);
        double floorReady = (double) figures.get("floor_all_ready_seconds");
        double ready = (double) figures.get("operator_all_in_service_seconds");
        figures.put("all_ready_ratio", round(ready / floorReady));
        figures.put("floor_ready_rate_per_second", round(endpoints / floorReady));
        figures.put("operator_ready_rate_per_second", round(endpoints / ready));

        Bench.report(out, "endpoints-" + endpoints + ".json", figures);
        System.out.println(BenchmarkTable.renderEndpoints(out));
    }

    /** What the operator created, as the floor's templates. */
    private record Made(List<Deployment> deployments, List<Service> services) {}

    private static Made withOperator(
            Path repo, Path out, int endpoints, int nodes, double speed, Map<String, Object> figures) throws Exception {
        try (Sandbox sandbox = Sandbox.start(
                new Sandbox.Options(repo, out.resolve("endpoints-operator"), nodes, 8, speed, 0, true, true))) {
            KubernetesClient client = sandbox.client();
            var inService = client.genericKubernetesResources(Sandbox.ENDPOINTS)
                    .inNamespace("default")
                    .inform();
            var meter = new Bench.OperatorMeter(sandbox);
            var controlPlane = Bench.ControlPlaneMeter.start(sandbox.controlPlane());
            long start = System.nanoTime();
            parallel(endpoints, i -> Bench.create(client, endpoint(i)));
            double created = seconds(start);
            progress("operator: all Endpoints created", created);
            double ready = waitFor(start, () -> {
                List<GenericKubernetesResource> all = inService.getStore().list();
                return all.size() == endpoints
                        && all.stream()
                                .allMatch(e -> e.getAdditionalProperties().get("status") instanceof Map<?, ?> s
                                        && "InService".equals(s.get("phase")));
            });
            progress("operator: all Endpoints InService", ready);
            controlPlane.finish(figures, "operator");
            inService.close();
            figures.put("operator_create_calls_seconds", round(created));
            figures.put("operator_all_in_service_seconds", round(ready));
            meter.finish(figures, endpoints, "endpoint");
            List<Deployment> deployments = client.apps()
                    .deployments()
                    .inNamespace("default")
                    .withLabel(ENDPOINT_LABEL)
                    .list()
                    .getItems();
            List<Service> services = client.services()
                    .inNamespace("default")
                    .withLabel(ENDPOINT_LABEL)
                    .list()
                    .getItems();
            figures.put("operator_deployments", deployments.size());
            figures.put("operator_services", services.size());
            return new Made(deployments, services);
        }
    }

    private static void floor(Path repo, Path out, Made made, int nodes, double speed, Map<String, Object> figures)
            throws Exception {
        try (Sandbox sandbox =
                Sandbox.start(new Sandbox.Options(repo, out.resolve("endpoints-floor"), nodes, 8, speed, 0, false))) {
            KubernetesClient client = sandbox.client();
            List<Deployment> deployments =
                    made.deployments().stream().map(EndpointBenchmark::copy).toList();
            List<Service> services =
                    made.services().stream().map(EndpointBenchmark::copy).toList();
            var ready = client.apps()
                    .deployments()
                    .inNamespace("default")
                    .withLabel("bench", "floor")
                    .inform();
            var controlPlane = Bench.ControlPlaneMeter.start(sandbox.controlPlane());
            long start = System.nanoTime();
            // Every object the operator made, each Deployment followed by its share of the Services (the operator
            // makes two per Endpoint: the variant's and the Endpoint's), one create per task so a retried create
            // never skips another object.
            List<HasMetadata> objects = interleaved(deployments, services);
            parallel(objects.size(), i -> client.resource(objects.get(i)).create());
            figures.put("floor_deployments", deployments.size());
            figures.put("floor_services", services.size());
            double created = seconds(start);
            double allReady = waitFor(
                    start,
                    () -> ready.getStore().list().stream()
                                    .filter(d -> d.getStatus() != null
                                            && d.getStatus().getReadyReplicas() != null
                                            && d.getStatus().getReadyReplicas() >= 1)
                                    .count()
                            >= deployments.size());
            controlPlane.finish(figures, "floor");
            ready.close();
            progress("floor: all Deployments ready", allReady);
            figures.put("floor_create_calls_seconds", round(created));
            figures.put("floor_all_ready_seconds", round(allReady));
            figures.put("floor_load_average_1m", loadAverage());
        }
    }

    /** Each Deployment followed by its share of the Services, in order. */
    static List<HasMetadata> interleaved(List<Deployment> deployments, List<Service> services) {
        List<HasMetadata> objects = new ArrayList<>();
        int perDeployment = deployments.isEmpty() ? 0 : (services.size() + deployments.size() - 1) / deployments.size();
        for (int i = 0; i < deployments.size(); i++) {
            objects.add(deployments.get(i));
            objects.addAll(services.subList(
                    Math.min(services.size(), i * perDeployment), Math.min(services.size(), (i + 1) * perDeployment)));
        }
        return objects;
    }

    /** A copy to create on another cluster: same spec, fresh metadata without owner, MLForge labels or status. */
    private static Deployment copy(Deployment made) {
        Deployment copy = new Deployment();
        copy.setMetadata(fresh(made.getMetadata()));
        copy.setSpec(made.getSpec());
        return copy;
    }

    private static Service copy(Service made) {
        Service copy = new Service();
        copy.setMetadata(fresh(made.getMetadata()));
        copy.setSpec(made.getSpec());
        copy.getSpec().setClusterIP(null);
        copy.getSpec().setClusterIPs(null);
        return copy;
    }

    private static ObjectMeta fresh(ObjectMeta made) {
        return new ObjectMetaBuilder()
                .withName(made.getName())
                .withNamespace(made.getNamespace())
                .addToLabels("bench", "floor")
                .build();
    }

    private static String endpoint(int i) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: ep-%d}
                spec:
                  backend: Kubernetes
                  model: {image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/ranker:1", dataUri: "s3://mlforge-examples/ranker/model.tar.gz"}
                  variants:
                    - {name: main, instanceCount: 1}
                """.formatted(i);
    }
}
