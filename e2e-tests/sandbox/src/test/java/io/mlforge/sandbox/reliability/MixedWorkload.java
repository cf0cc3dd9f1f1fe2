package io.mlforge.sandbox.reliability;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlforge.controlplane.Kubectl;
import io.mlforge.sandbox.Sandbox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded mix of MLForge resources of every kind and both backends, changed as a user changes them (YAML through
 * {@code kubectl apply}, {@code kubectl delete --wait=false}): TrainingJobs, TuningJobs and Endpoints created, Endpoints'
 * models updated (a rollout on either backend), anything deleted, often while the operator is busy with it. It
 * remembers what should exist afterwards and what should be gone.
 */
final class MixedWorkload {
    enum Kind {
        TRAINING_JOB(Sandbox.TRAINING_JOBS),
        TUNING_JOB(Sandbox.TUNING_JOBS),
        ENDPOINT(Sandbox.ENDPOINTS);

        final ResourceDefinitionContext context;

        Kind(ResourceDefinitionContext context) {
            this.context = context;
        }
    }

    /** One resource the workload made; {@code uid} as the API server assigned it. */
    record Item(String name, Kind kind, boolean sageMaker, String uid) {
        String label() {
            return kind + (sageMaker ? "/SageMaker" : "/Kubernetes") + " " + name;
        }
    }

    private static final String ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole";
    private static final String XGB = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";

    private final Sandbox sandbox;
    private final Kubectl kubectl;
    private final Random random;
    private final Map<String, Item> live = new LinkedHashMap<>();
    private final Map<String, Item> deleted = new LinkedHashMap<>();
    private final Map<String, Integer> modelVersions = new LinkedHashMap<>();
    private final Map<String, Integer> actions = new TreeMap<>();
    private int next;

    MixedWorkload(Sandbox sandbox, long seed) {
        this.sandbox = sandbox;
        this.kubectl = new Kubectl(
                sandbox.controlPlane().kubectl(), sandbox.controlPlane().adminKubeconfig());
        this.random = new Random(seed);
        // a user's Secret the in-cluster jobs and endpoints take a token from: its value must never leave it
        sandbox.client()
                .secrets()
                .inNamespace("default")
                .resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                        .withNewMetadata()
                        .withName(TOKEN_SECRET)
                        .endMetadata()
                        .addToStringData("token", TOKEN_VALUE)
                        .build())
                .serverSideApply();
    }

    /** The Secret the in-cluster workloads read HF_TOKEN from, and its value (fake, and found nowhere else). */
    static final String TOKEN_SECRET = "model-hub-token";

    static final String TOKEN_VALUE = "hf_mlforgeReliabilityFakeToken9Xq2Lk7";

    private static final String TOKEN_ENV = "  kubernetes:\n"
            + "    env: [{name: HF_TOKEN, valueFrom: {secretKeyRef: {name: " + TOKEN_SECRET + ", key: token}}}]\n";

    Random random() {
        return random;
    }

    /** One to three seeded actions; returns what was done, for the log of the round. */
    List<String> act() {
        List<String> done = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            done.add(actOnce());
        }
        return done;
    }

    /** The first actions create one of each kind and backend, so that even a short run has all of them in flight. */
    private static final List<Map.Entry<Kind, Boolean>> FIRST = List.of(
            Map.entry(Kind.TRAINING_JOB, false),
            Map.entry(Kind.ENDPOINT, true),
            Map.entry(Kind.TUNING_JOB, false),
            Map.entry(Kind.TRAINING_JOB, true),
            Map.entry(Kind.ENDPOINT, false),
            Map.entry(Kind.TUNING_JOB, true));

    private int acted;

    private String actOnce() {
        if (acted < FIRST.size()) {
            Map.Entry<Kind, Boolean> first = FIRST.get(acted++);
            return create(first.getKey(), first.getValue());
        }
        if (acted == FIRST.size()) { // then a blue/green update on SageMaker and a deletion, both while others run
            acted++;
            return updateEndpoint(live.values().stream()
                    .filter(i -> i.kind() == Kind.ENDPOINT && i.sageMaker())
                    .findFirst()
                    .orElseThrow()
                    .name());
        }
        if (acted == FIRST.size() + 1) {
            acted++;
            return delete();
        }
        int dice = random.nextInt(100);
        if (dice < 15 && !live.isEmpty()) {
            return delete();
        }
        if (dice < 35) {
            String endpoint = pickLive(Kind.ENDPOINT);
            if (endpoint != null) {
                return updateEndpoint(endpoint);
            }
        }
        if (dice < 42) {
            return create(Kind.TRAINING_JOB, false);
        }
        if (dice < 60) {
            return create(Kind.TRAINING_JOB, true);
        }
        if (dice < 66) {
            return create(Kind.TUNING_JOB, false);
        }
        if (dice < 72) {
            return create(Kind.TUNING_JOB, true);
        }
        if (dice < 86) {
            return create(Kind.ENDPOINT, false);
        }
        return create(Kind.ENDPOINT, true);
    }

    private String pickLive(Kind kind) {
        List<String> candidates = live.values().stream()
                .filter(i -> i.kind() == kind)
                .map(Item::name)
                .toList();
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    private String create(Kind kind, boolean sageMaker) {
        String name = switch (kind) {
                    case TRAINING_JOB -> "tj";
                    case TUNING_JOB -> "search";
                    case ENDPOINT -> "ep";
                }
                + (sageMaker ? "-sm-" : "-k8s-")
                + next++;
        String yaml = switch (kind) {
            case TRAINING_JOB -> trainingJob(name, sageMaker, 2 + random.nextInt(6));
            case TUNING_JOB -> tuningJob(name, sageMaker);
            case ENDPOINT -> {
                modelVersions.put(name, 1);
                yield endpoint(name, sageMaker, 1);
            }
        };
        apply(yaml);
        GenericKubernetesResource created = sandbox.client()
                .genericKubernetesResources(kind.context)
                .inNamespace("default")
                .withName(name)
                .get();
        live.put(name, new Item(name, kind, sageMaker, created.getMetadata().getUid()));
        count("create " + kind + (sageMaker ? "/SageMaker" : "/Kubernetes"));
        return "create " + live.get(name).label();
    }

    private String updateEndpoint(String name) {
        Item item = live.get(name);
        int version = modelVersions.merge(name, 1, Integer::sum);
        apply(endpoint(name, item.sageMaker(), version));
        count("update " + item.kind() + (item.sageMaker() ? "/SageMaker" : "/Kubernetes"));
        return "update " + item.label() + " to model v" + version;
    }

    private String delete() {
        List<Item> candidates = List.copyOf(live.values());
        Item item = candidates.get(random.nextInt(candidates.size()));
        String resource = switch (item.kind()) {
            case TRAINING_JOB -> "trainingjobs.mlforge.io";
            case TUNING_JOB -> "tuningjobs.mlforge.io";
            case ENDPOINT -> "endpoints.mlforge.io";
        };
        Kubectl.Result result = kubectl.run("delete", resource, item.name(), "-n", "default", "--wait=false");
        if (!result.ok()) {
            throw new IllegalStateException("kubectl delete " + item.label() + ": " + result);
        }
        live.remove(item.name());
        deleted.put(item.name(), item);
        count("delete " + item.kind() + (item.sageMaker() ? "/SageMaker" : "/Kubernetes"));
        return "delete " + item.label();
    }

    private void apply(String yaml) {
        Kubectl.Result result = kubectl.runWithInput(yaml, "apply", "-f", "-");
        if (!result.ok()) {
            throw new IllegalStateException("kubectl apply: " + result + "\n" + yaml);
        }
    }

    private void count(String action) {
        actions.merge(action, 1, Integer::sum);
    }

    Map<String, Item> live() {
        return live;
    }

    Map<String, Item> deleted() {
        return deleted;
    }

    /** Actions done, by kind of action ("create TRAINING_JOB/SageMaker", "delete ENDPOINT/Kubernetes", ...). */
    Map<String, Integer> actions() {
        return actions;
    }

    /** The model version an Endpoint should serve in the end (its last applied spec). */
    int modelVersion(String endpoint) {
        return modelVersions.get(endpoint);
    }

    static String trainingJob(String name, boolean sageMaker, int epochs) {
        if (sageMaker) {
            return io.mlforge.sandbox.SandboxTrainingJobs.sageMaker(name, 1, epochs);
        }
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: %s, namespace: default}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "%d"}
                  resources: {gpusPerInstance: 1}
                """.formatted(name, epochs) + TOKEN_ENV;
    }

    static String tuningJob(String name, boolean sageMaker) {
        String template = sageMaker ? """
                      backend: SageMaker
                      image: mlforge/sandbox-trainer
                      hyperParameters: {epochs: "3"}
                      resources: {instanceType: ml.m5.xlarge, instanceCount: 1}
                      output: {uri: "s3://mlforge-examples/tuning/"}
                      metrics: [{name: val_loss, regex: "val_loss=([0-9.]+)"}]
                      sagemaker: {roleArn: "%s"}
                """.formatted(ROLE) : """
                      image: mlforge/sandbox-trainer:latest
                      hyperParameters: {epochs: "3"}
                      resources: {gpusPerInstance: 1}
                      metrics: [{name: val_loss, regex: "val_loss=([0-9.]+)"}]
                """;
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: %s, namespace: default}
                spec:
                  backend: %s
                  strategy: Random
                  objective: {metricName: val_loss, type: Minimize}
                  parameters:
                    - {name: lr, type: Continuous, min: 0.001, max: 0.1, scaling: Logarithmic}
                  maxTrials: 3
                  maxParallelTrials: 2
                  randomSeed: 7
                  trainingJobTemplate:
                    spec:
                """.formatted(name, sageMaker ? "SageMaker" : "Kubernetes") + template;
    }

    static String endpoint(String name, boolean sageMaker, int version) {
        String dataUri = "s3://mlforge-examples/reliability/" + name + "/v" + version + "/model.tar.gz";
        if (sageMaker) {
            return """
                    apiVersion: mlforge.io/v1alpha1
                    kind: Endpoint
                    metadata: {name: %s, namespace: default}
                    spec:
                      backend: SageMaker
                      model: {image: "%s", dataUri: "%s"}
                      variants:
                        - {name: primary, instanceType: ml.m5.large, instanceCount: 1}
                      sagemaker: {roleArn: "%s"}
                    """.formatted(name, XGB, dataUri, ROLE);
        }
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: Endpoint
                metadata: {name: %s, namespace: default}
                spec:
                  backend: Kubernetes
                  model: {image: "%s", dataUri: "%s"}
                  variants:
                    - {name: primary, instanceCount: 1}
                """.formatted(name, XGB, dataUri) + TOKEN_ENV;
    }
}
