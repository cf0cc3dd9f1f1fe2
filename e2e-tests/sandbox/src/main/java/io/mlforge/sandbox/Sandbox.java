package io.mlforge.sandbox;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlforge.controlplane.ControlPlane;
import io.mlforge.controlplane.OperatorIdentity;
import io.mlforge.sagemaker.emulator.SageMakerEmulator;
import io.mlforge.sandbox.nodes.KubeletEndpoint;
import io.mlforge.sandbox.nodes.PodLogs;
import io.mlforge.sandbox.nodes.SimulatedKubelet;
import io.mlforge.sandbox.nodes.SimulatedNodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * MLForge on one machine, without a cluster or an AWS account: a real Kubernetes control plane (etcd,
 * kube-apiserver, controller manager, scheduler), simulated GPU nodes, an S3-compatible store, a SageMaker emulator,
 * MLForge installed with its Helm chart, and the packaged operator as a separate process running as the chart's
 * ServiceAccount.
 */
public final class Sandbox implements AutoCloseable {
    public static final ResourceDefinitionContext TRAINING_JOBS = crd("trainingjobs", "TrainingJob");
    public static final ResourceDefinitionContext TUNING_JOBS = crd("tuningjobs", "TuningJob");
    public static final ResourceDefinitionContext ENDPOINTS = crd("endpoints", "Endpoint");
    private static final Set<String> TERMINAL = Set.of("Completed", "Failed", "Stopped");
    /** An Endpoint is done when it serves (or has failed). */
    private static final Set<String> SERVING_DONE = Set.of("InService", "Failed");

    /**
     * @param repoRoot     the repository (for operator/target/quarkus-app)
     * @param workDir      kubeconfig, operator.log
     * @param nodes        simulated nodes
     * @param gpusPerNode  GPUs of each
     * @param speed        time factor (0.1 runs ten times faster than realistic)
     * @param apiPort      API server port (0: any free port)
     * @param startOperator whether to start the packaged operator
     * @param auditRequests whether the API server logs every request (for counting the operator's; costs time)
     */
    public record Options(
            Path repoRoot,
            Path workDir,
            int nodes,
            int gpusPerNode,
            double speed,
            int apiPort,
            boolean startOperator,
            boolean auditRequests) {
        public Options(
                Path repoRoot,
                Path workDir,
                int nodes,
                int gpusPerNode,
                double speed,
                int apiPort,
                boolean startOperator) {
            this(repoRoot, workDir, nodes, gpusPerNode, speed, apiPort, startOperator, false);
        }
    }

    private final Options options;
    private final ControlPlane controlPlane;
    private final PodLogs logs = new PodLogs();
    private final KubeletEndpoint kubeletEndpoint;
    private final SimulatedNodes nodes;
    private final SimulatedKubelet kubelet;
    private final S3Store s3;
    /** The sandbox's S3 store through the data agent's client: cached model installs and tests' uploads. */
    private final io.mlforge.agent.ObjectStore objects;

    private final io.mlforge.sandbox.nodes.ModelInstalls modelInstalls;
    private final io.mlforge.sagemaker.emulator.SageMakerEmulator sagemaker;
    private final KubernetesClient client;
    private final Path kubeconfig;
    private final OperatorIdentity operatorIdentity;
    private volatile OperatorProcess operator;
    private final Map<String, String> operatorEnvironment = new LinkedHashMap<>();
    /** Probes the operator's liveness as the kubelet does with the chart's livenessProbe, and restarts it likewise. */
    private final java.util.concurrent.ScheduledExecutorService livenessProbe =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "operator-liveness-probe");
                thread.setDaemon(true);
                return thread;
            });

    private int livenessFailures;
    private boolean restartPending;
    private final java.util.concurrent.atomic.AtomicInteger livenessRestarts =
            new java.util.concurrent.atomic.AtomicInteger();
    /** The chart's livenessProbe: every 10 s, restart after 3 failures in a row. */
    static final Duration LIVENESS_PERIOD = Duration.ofSeconds(10);

    static final int LIVENESS_FAILURE_THRESHOLD = 3;

    private Sandbox(Options options) throws Exception {
        this.options = options;
        Files.createDirectories(options.workDir());
        this.controlPlane =
                ControlPlane.start(ControlPlane.Options.in(options.workDir().resolve("control-plane"))
                        .withApiPort(options.apiPort())
                        .withRequestAudit(options.auditRequests()));
        this.kubeconfig = Files.copy(
                controlPlane.adminKubeconfig(),
                options.workDir().resolve("kubeconfig"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        this.client = controlPlane.adminClient();
        this.operatorIdentity = OperatorIdentity.install(controlPlane, options.repoRoot(), options.workDir());
        PlatformSetup.apply(client, options.workDir());
        this.kubeletEndpoint = KubeletEndpoint.start(logs, options.workDir());
        this.nodes = new SimulatedNodes(
                client,
                Clock.systemUTC(),
                SimulatedNodes.inventory(options.nodes(), options.gpusPerNode()),
                Duration.ofSeconds(10),
                kubeletEndpoint.port());
        this.kubelet = new SimulatedKubelet(
                client,
                nodes,
                logs,
                Clock.systemUTC(),
                SimulatedKubelet.Timing.realistic().scaled(options.speed()),
                options.speed());
        this.nodes.start();
        this.kubelet.start();
        this.s3 = S3Store.start(0, List.of("mlforge-examples", "bucket"));
        this.objects = io.mlforge.agent.ObjectStore.connect(
                "us-east-1",
                java.net.URI.create(s3.endpoint()),
                true,
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                S3Store.ACCESS_KEY, S3Store.SECRET_KEY)));
        this.modelInstalls =
                new io.mlforge.sandbox.nodes.ModelInstalls(options.workDir().resolve("volumes"), objects);
        this.kubelet.installModelsWith(modelInstalls);
        this.sagemaker = io.mlforge.sagemaker.emulator.SageMakerEmulator.start(
                0,
                Clock.systemUTC(),
                io.mlforge.sagemaker.emulator.Timing.realistic().scaled(options.speed()),
                options.workDir().resolve("sagemaker-requests.jsonl"));
        livenessProbe.scheduleWithFixedDelay(
                this::probeLiveness,
                LIVENESS_PERIOD.toMillis(),
                LIVENESS_PERIOD.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * One liveness probe: after {@link #LIVENESS_FAILURE_THRESHOLD} failures in a row the operator process is killed and
     * started again, as the kubelet restarts a container (and keeps trying while a start fails).
     */
    private void probeLiveness() {
        try {
            synchronized (this) {
                if (operator == null) {
                    livenessFailures = 0;
                    if (restartPending) {
                        startOperator();
                        restartPending = false;
                    }
                    return;
                }
                if (operator.live()) {
                    livenessFailures = 0;
                    return;
                }
                if (++livenessFailures < LIVENESS_FAILURE_THRESHOLD) {
                    return;
                }
                System.err.printf(
                        "[sandbox] the operator failed %d liveness probes in a row: restarting it, as the kubelet would%n",
                        livenessFailures);
                livenessFailures = 0;
                livenessRestarts.incrementAndGet();
                restartPending = true;
                killOperator();
                startOperator();
                restartPending = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println("[sandbox] restarting the operator failed (will retry): " + e.getMessage());
        }
    }

    /** How often the liveness probe restarted the operator. */
    public int livenessRestarts() {
        return livenessRestarts.get();
    }

    public io.mlforge.sagemaker.emulator.SageMakerEmulator sagemaker() {
        return sagemaker;
    }

    public static Sandbox start(Options options) throws Exception {
        Sandbox sandbox = new Sandbox(options);
        if (options.startOperator()) {
            sandbox.startOperator();
        }
        return sandbox;
    }

    public synchronized void startOperator() throws IOException, InterruptedException {
        operator = OperatorProcess.start(
                options.repoRoot(),
                operatorIdentity.kubeconfig(),
                operatorProcessEnvironment(),
                operatorLog(),
                Duration.ofSeconds(120));
    }

    /**
     * Another replica of the operator, besides the one {@link #startOperator} manages (for leader election): the same
     * environment plus {@code extraEnvironment}, its own log, started inside {@code network} when not null (its API
     * server and SageMaker traffic then goes through that namespace's relay). The caller stops it.
     */
    public OperatorProcess startReplica(
            String name, Map<String, String> extraEnvironment, io.mlforge.sandbox.netns.NetworkNamespace network)
            throws IOException, InterruptedException {
        Map<String, String> env = operatorProcessEnvironment();
        env.putAll(extraEnvironment);
        Path log = options.workDir().resolve("operator-" + name + ".log");
        if (network == null) {
            return OperatorProcess.start(
                    options.repoRoot(), operatorIdentity.kubeconfig(), env, log, Duration.ofSeconds(120));
        }
        return OperatorProcess.startIn(
                network, options.repoRoot(), operatorIdentity.kubeconfig(), env, log, Duration.ofSeconds(120));
    }

    /** The operator's environment in the sandbox: its S3 store and SageMaker emulator, short polls, overrides. */
    public Map<String, String> operatorProcessEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MLFORGE_DATA_AGENT_S3_ENDPOINT", s3.endpoint());
        env.put("MLFORGE_DATA_AGENT_S3_PATH_STYLE", "true");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", S3Store.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3Store.SECRET_KEY);
        env.put("MLFORGE_SAGEMAKER_ENDPOINT_OVERRIDE", sagemaker.endpoint());
        // Simulated SageMaker jobs are short: poll for changes every second or two instead of 10 to 45 s.
        env.put("MLFORGE_SAGEMAKER_MIN_POLL_INTERVAL", options.speed() < 1 ? "1s" : "5s");
        env.put("MLFORGE_SAGEMAKER_MAX_POLL_INTERVAL", options.speed() < 1 ? "2s" : "15s");
        // Metrics are read from the simulated logs; read them often since simulated epochs are short.
        env.put("MLFORGE_TRAINING_METRICS_POLL_INTERVAL", options.speed() < 1 ? "1s" : "5s");
        env.put("MLFORGE_SAGEMAKER_METRICS_INTERVAL", options.speed() < 1 ? "2s" : "10s");
        env.put("MLFORGE_SAGEMAKER_EARLY_STOPPING_METRICS_INTERVAL", options.speed() < 1 ? "1s" : "5s");
        // APIs installed while it runs (KEDA, the Gateway API) are noticed within seconds, not 5 minutes
        env.put("MLFORGE_SERVING_API_DISCOVERY_INTERVAL", "2s");
        env.putAll(operatorEnvironment);
        return env;
    }

    /**
     * Turns leader election on as a user does: the chart upgraded with {@code leaderElection.enabled} (it then also
     * grants the Lease in the operator's namespace), and the operator processes started from now on elect a leader
     * through Lease {@code leaseName}.
     */
    public void enableLeaderElection(String leaseName) {
        new com.marcnuri.helm.Helm(options.repoRoot().resolve("helm/mlforge-operator"))
                .upgrade()
                .withName(OperatorIdentity.RELEASE)
                .withNamespace(OperatorIdentity.NAMESPACE)
                .withKubeConfig(controlPlane.adminKubeconfig())
                .reuseValues()
                .set("leaderElection.enabled", true)
                .set("leaderElection.leaseName", leaseName)
                .call();
        operatorEnvironment.put("MLFORGE_LEADER_ELECTION_ENABLED", "true");
        operatorEnvironment.put("MLFORGE_LEADER_ELECTION_LEASE_NAME", leaseName);
        operatorEnvironment.put("POD_NAMESPACE", OperatorIdentity.NAMESPACE);
    }

    /** The operator's log (stdout and stderr of every process started, appended). */
    public Path operatorLog() {
        return options.workDir().resolve("operator.log");
    }

    /** Environment for the operator process that overrides the sandbox's (set before {@link #startOperator}). */
    public Map<String, String> operatorEnvironment() {
        return operatorEnvironment;
    }

    /** Kills the operator process (SIGKILL: no shutdown hooks, as a crashed or evicted pod); startOperator() starts a new one. */
    public synchronized void killOperator() throws InterruptedException {
        if (operator != null) {
            operator.kill();
            operator = null;
        }
    }

    private static ResourceDefinitionContext crd(String plural, String kind) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("mlforge.io")
                .withVersion("v1alpha1")
                .withPlural(plural)
                .withKind(kind)
                .withNamespaced(true)
                .build();
    }

    public KubernetesClient client() {
        return client;
    }

    /** The simulated nodes' kubelet. */
    public SimulatedKubelet kubelet() {
        return kubelet;
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    /** The ServiceAccount the operator runs as (installed by the chart) and its kubeconfig. */
    public OperatorIdentity operatorIdentity() {
        return operatorIdentity;
    }

    public SimulatedNodes nodes() {
        return nodes;
    }

    /** The running operator process; null while none runs (killed, or being restarted). */
    public OperatorProcess operator() {
        return operator;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public String s3Endpoint() {
        return s3.endpoint();
    }

    /** The samples the sandbox runs: every TrainingJob, TuningJob and Endpoint of both backends. */
    public static List<Path> runnableSamples(Path samplesDir) throws IOException {
        List<Path> runnable = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
        try (Stream<Path> files = Files.list(samplesDir)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                com.fasterxml.jackson.databind.JsonNode doc = yaml.readTree(file.toFile());
                if (Set.of("TrainingJob", "TuningJob", "Endpoint")
                        .contains(doc.path("kind").asText())) {
                    runnable.add(file);
                }
            }
        }
        return runnable;
    }

    /** Applies a manifest file (create or replace) and returns what it created. */
    public List<HasMetadata> apply(Path manifest) throws IOException {
        try (InputStream in = Files.newInputStream(manifest)) {
            return client.load(in).inNamespace("default").createOrReplace();
        }
    }

    /** Applies YAML (create or replace) in namespace default, as {@code kubectl apply -f -} would. */
    public List<HasMetadata> applyYaml(String yaml) {
        return client.load(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .inNamespace("default")
                .createOrReplace();
    }

    /** The status of an MLForge resource in namespace default as a map (empty when it or its status does not exist). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> status(ResourceDefinitionContext kind, String name) {
        GenericKubernetesResource resource = client.genericKubernetesResources(kind)
                .inNamespace("default")
                .withName(name)
                .get();
        Object status =
                resource == null ? null : resource.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    public List<GenericKubernetesResource> mlforgeResources() {
        List<GenericKubernetesResource> all = new ArrayList<>();
        for (ResourceDefinitionContext context : List.of(TRAINING_JOBS, TUNING_JOBS, ENDPOINTS)) {
            all.addAll(client.genericKubernetesResources(context)
                    .inAnyNamespace()
                    .list()
                    .getItems());
        }
        return all;
    }

    /** The sandbox's S3 store (bucket mlforge-examples and bucket), for uploads. */
    public io.mlforge.agent.ObjectStore objects() {
        return objects;
    }

    /** The serving pods' model installs that ran for real (pods with a model cache). */
    public io.mlforge.sandbox.nodes.ModelInstalls modelInstalls() {
        return modelInstalls;
    }

    @Override
    public void close() throws Exception {
        livenessProbe.shutdownNow();
        if (operator != null) {
            operator.close();
        }
        kubelet.close();
        nodes.close();
        kubeletEndpoint.close();
        client.close();
        objects.close();
        s3.close();
        sagemaker.close();
        controlPlane.close();
    }

    // ---- the command

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(".").toAbsolutePath().normalize();
        Path samples = null;
        Path workDir = null;
        boolean exitWhenDone = false;
        double speed = 0.5;
        int nodeCount = 4;
        int gpus = 8;
        int port = 0;
        double throttle = 0;
        double errors = 0;
        long latency = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--samples" ->
                    samples = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--workdir" ->
                    workDir = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--exit-when-done" -> exitWhenDone = true;
                case "--speed" -> speed = Double.parseDouble(args[++i]);
                case "--nodes" -> nodeCount = Integer.parseInt(args[++i]);
                case "--gpus-per-node" -> gpus = Integer.parseInt(args[++i]);
                case "--api-port" -> port = Integer.parseInt(args[++i]);
                case "--sagemaker-throttle-rate" -> throttle = Double.parseDouble(args[++i]);
                case "--sagemaker-error-rate" -> errors = Double.parseDouble(args[++i]);
                case "--sagemaker-latency-ms" -> latency = Long.parseLong(args[++i]);
                case "--help" -> {
                    System.out.println("""
                            usage: sandbox [--exit-when-done] [--speed 0.5] [--nodes 4] [--gpus-per-node 8] [--api-port 0]
                                           [--samples config/samples] [--workdir e2e-tests/sandbox/target/sandbox]
                                           [--sagemaker-throttle-rate 0.3] [--sagemaker-error-rate 0.05] [--sagemaker-latency-ms 100]""");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
            }
        }
        if (!Files.exists(repo.resolve("operator/target/quarkus-app/quarkus-run.jar"))
                && repo.getParent() != null
                && Files.exists(repo.getParent().getParent().resolve("operator/target/quarkus-app/quarkus-run.jar"))) {
            repo = repo.getParent().getParent(); // started from e2e-tests/sandbox
        }
        samples = samples == null ? repo.resolve("config/samples") : samples;
        workDir = workDir == null ? repo.resolve("e2e-tests/sandbox/target/sandbox") : workDir;
        SageMakerEmulator.Faults faults =
                new SageMakerEmulator.Faults(throttle, errors, java.time.Duration.ofMillis(latency));
        try {
            run(repo, samples, workDir, nodeCount, gpus, speed, port, exitWhenDone, faults);
        } catch (Exception e) {
            System.err.println("The sandbox failed: " + e);
            System.exit(2);
        }
    }

    private static void run(
            Path repo,
            Path samples,
            Path workDir,
            int nodeCount,
            int gpus,
            double speed,
            int port,
            boolean exitWhenDone,
            SageMakerEmulator.Faults faults)
            throws Exception {
        System.out.println("Starting the MLForge sandbox: Kubernetes control plane, " + nodeCount
                + " simulated nodes x " + gpus + " GPUs, S3 store, SageMaker emulator, Helm chart, operator ...");
        Sandbox sandbox = start(new Options(repo, workDir, nodeCount, gpus, speed, port, true));
        sandbox.sagemaker().setFaults(faults);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                sandbox.close();
            } catch (Exception e) {
                System.err.println("stopping the sandbox: " + e.getMessage());
            }
        }));
        System.out.println("API server    " + sandbox.controlPlane().url() + "   (export KUBECONFIG="
                + sandbox.kubeconfig() + ")");
        System.out.println("S3 store      " + sandbox.s3Endpoint() + "   (access key " + S3Store.ACCESS_KEY + ")");
        System.out.println("SageMaker     " + sandbox.sagemaker().endpoint()
                + "   (AWS SDK or CLI with --endpoint-url; requests logged to "
                + sandbox.options.workDir().resolve("sagemaker-requests.jsonl") + ")");
        System.out.println("operator      " + sandbox.operator().url("/q/metrics") + "   (log: "
                + sandbox.operator().log() + ")");
        List<Path> runnable = runnableSamples(samples);
        for (Path sample : runnable) {
            try {
                sandbox.apply(sample);
                System.out.println("applied       " + repo.relativize(sample));
            } catch (KubernetesClientException e) {
                System.out.println("rejected      " + repo.relativize(sample) + ": "
                        + e.getStatus().getMessage());
            }
        }
        System.out.println();
        boolean console = System.console() != null;
        String last = "";
        while (true) {
            // a TuningJob's row stands for its trials (their TrainingJobs are labelled mlforge.io/tuning-job)
            List<GenericKubernetesResource> resources = sandbox.mlforgeResources().stream()
                    .filter(r -> r.getMetadata().getLabels() == null
                            || !r.getMetadata().getLabels().containsKey("mlforge.io/tuning-job"))
                    .toList();
            List<ProgressTable.Row> rows =
                    resources.stream().map(ProgressTable::row).toList();
            String table = ProgressTable.render(rows);
            if (!table.equals(last)) {
                System.out.print(console ? "\033[H\033[2J" + table : table + System.lineSeparator());
                System.out.flush();
                last = table;
            }
            boolean done = !rows.isEmpty()
                    && rows.stream()
                            .allMatch(r -> TERMINAL.contains(r.phase())
                                    || r.kind().equals("Endpoint") && SERVING_DONE.contains(r.phase()));
            if (done) {
                long failed = rows.stream()
                        .filter(r ->
                                !r.phase().equals("Completed") && !r.phase().equals("InService"))
                        .count();
                System.out.println(rows.size() - failed + " of " + rows.size()
                        + " finished successfully (Endpoints: in service).");
                printInvokeHints(sandbox, resources);
                if (exitWhenDone) {
                    System.exit(failed == 0 ? 0 : 1);
                }
                System.out.println("The sandbox keeps running for inspection (KUBECONFIG=" + sandbox.kubeconfig()
                        + "); press Ctrl-C to stop it.");
                Thread.currentThread().join();
            }
            Thread.sleep(1000);
        }
    }

    /** How to call each Endpoint in service with {@code kubectl mlforge invoke}, with this sandbox's addresses. */
    private static void printInvokeHints(Sandbox sandbox, List<GenericKubernetesResource> resources) {
        List<String> lines = new java.util.ArrayList<>();
        for (GenericKubernetesResource r : resources) {
            if (!"Endpoint".equals(r.getKind())
                    || !(r.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                    || !"InService".equals(status.get("phase"))) {
                continue;
            }
            Map<?, ?> spec = r.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? m : Map.of();
            if (spec.get("async") != null) {
                continue; // asynchronous endpoints take their requests from S3
            }
            boolean sageMaker = "SageMaker".equals(spec.get("backend"));
            lines.add("  kubectl mlforge invoke " + r.getMetadata().getName()
                    + " --content-type text/csv --body '5.1,3.5,1.4,0.2'"
                    + (sageMaker ? " --endpoint-url " + sandbox.sagemaker().endpoint() : ""));
        }
        if (lines.isEmpty()) {
            return;
        }
        System.out.println("Call the endpoints (kubectl plugin: put operator/cli/kubectl-mlforge and"
                + " operator/cli/target/kubectl-mlforge.jar on PATH; SageMaker ones answer from the emulator, with"
                + " AWS_ACCESS_KEY_ID=" + S3Store.ACCESS_KEY + " AWS_SECRET_ACCESS_KEY=... AWS_REGION=us-east-1 set):");
        lines.forEach(System.out::println);
    }
}
