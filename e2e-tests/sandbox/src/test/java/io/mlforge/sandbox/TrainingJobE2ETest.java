package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.controlplane.ControlPlane;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end: the packaged operator (operator/target/quarkus-app) as its own process, talking to the sandbox's API
 * server through a kubeconfig; simulated nodes run the pods. Manifests come from config/samples where one fits.
 */
class TrainingJobE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static Sandbox sandbox;
    private static KubernetesClient client;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start(
                new Sandbox.Options(REPO, REPO.resolve("e2e-tests/sandbox/target/e2e"), 4, 8, 0.2, 0, false, true));
        // the scheduler's reason reaches the status once a pod has waited this long (5 minutes by default)
        sandbox.operatorEnvironment().put("MLFORGE_TRAINING_UNSCHEDULABLE_AFTER", "5s");
        sandbox.startOperator();
        client = sandbox.client();
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static GenericKubernetesResource job(String name) {
        return client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                .inNamespace("default")
                .withName(name)
                .get();
    }

    /** The job's status through the typed API (an empty status while it has none). */
    private static TrainingJobStatus status(String name) {
        TrainingJob job = client.resources(TrainingJob.class)
                .inNamespace("default")
                .withName(name)
                .get();
        return job == null || job.getStatus() == null ? new TrainingJobStatus() : job.getStatus();
    }

    private static TrainingJobStatus awaitStatus(String name, String what, Predicate<TrainingJobStatus> condition) {
        await(name + " " + what)
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> condition.test(status(name)));
        return status(name);
    }

    private static Predicate<TrainingJobStatus> phase(TrainingPhase phase) {
        return s -> s.phase == phase;
    }

    private static void applySample(String file) throws Exception {
        sandbox.apply(REPO.resolve("config/samples").resolve(file));
    }

    private static void applyYaml(String yaml) {
        client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .inNamespace("default")
                .createOrReplace();
    }

    private static List<Pod> pods(String job) {
        return client.pods()
                .inNamespace("default")
                .withLabel("mlforge.io/training-job", job)
                .list()
                .getItems();
    }

    @Test
    void sampleRunsToCompletionWithMetricsFromTheSimulatedLog() throws Exception {
        applySample("trainingjob-sandbox-trainer.yaml");
        awaitStatus("sandbox-branin", "Running", phase(TrainingPhase.Running));
        TrainingJobStatus done = awaitStatus("sandbox-branin", "Completed", phase(TrainingPhase.Completed));
        // Branin(3.1, 2.3): the final epoch logs the exact value.
        assertThat(done.metrics.get("validation:objective"))
                .isCloseTo(0.4063, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(done.metricHistory).isNotEmpty();
        assertThat(done.metricHistory.get(0).points).hasSize(12);
        assertThat(done.attempts).hasSize(1);
        await().atMost(WAIT) // Events are sent off the reconcile path
                .untilAsserted(() -> assertThat(client.v1()
                                .events()
                                .inNamespace("default")
                                .list()
                                .getItems())
                        .filteredOn(e ->
                                "sandbox-branin".equals(e.getInvolvedObject().getName()))
                        .extracting(e -> e.getReason())
                        .as("what the operator did and how the job ended; progress phases are status only")
                        .containsExactlyInAnyOrder("AttemptCreated", "Completed"));
    }

    @Test
    void aJobCostsTheOperatorOnePodOneStatusWritePerPhaseAndTwoEventsAndNoFinalizer() throws Exception {
        sandbox.controlPlane().resetRequests();
        // every phase the job's status shows, in order, as a watcher sees it
        List<String> phases = new java.util.concurrent.CopyOnWriteArrayList<>();
        var watch = client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                .inNamespace("default")
                .withName("e2e-requests")
                .watch(new io.fabric8.kubernetes.client.Watcher<>() {
                    @Override
                    public void eventReceived(Action action, GenericKubernetesResource job) {
                        if (job.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                                && status.get("phase") instanceof String phase
                                && (phases.isEmpty()
                                        || !phases.get(phases.size() - 1).equals(phase))) {
                            phases.add(phase);
                        }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                });
        try {
            applyYaml("""
                    apiVersion: mlforge.io/v1alpha1
                    kind: TrainingJob
                    metadata: {name: e2e-requests}
                    spec:
                      image: mlforge/sandbox-trainer:latest
                      hyperParameters: {epochs: "3"}
                      resources: {gpusPerInstance: 1}
                    """);
            awaitStatus("e2e-requests", "Completed", phase(TrainingPhase.Completed));
            await().atMost(WAIT)
                    .until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
                            .anyMatch(e ->
                                    "e2e-requests".equals(e.getInvolvedObject().getName())
                                            && "Completed".equals(e.getReason())));
            await().atMost(WAIT).until(() -> phases.contains("Completed"));
        } finally {
            watch.close();
        }

        Map<String, Long> requests = new java.util.TreeMap<>();
        sandbox.controlPlane().requestsUpToNow(sandbox.operatorIdentity().userName()).stream()
                .filter(r -> r.name().startsWith("e2e-requests"))
                .forEach(r -> requests.merge(r.verb() + " " + r.fullResource(), 1L, Long::sum));
        // Pending, Running, Completed; Starting too if the pod was not running 10 s after it was scheduled (a busy
        // simulated kubelet): one write per phase, none that changes nothing
        assertThat(phases).as("phases seen").startsWith("Pending").endsWith("Completed");
        assertThat(requests.get("update trainingjobs/status"))
                .as("status writes for the phases %s: %s", phases, requests)
                .isEqualTo((long) phases.size());
        assertThat(phases.size()).isBetween(3, 4);
        assertThat(requests)
                .as("one pod, AttemptCreated and Completed, no finalizer patch (the pods are owned)")
                .containsEntry("create pods", 1L)
                .containsEntry("create events", 2L)
                .containsOnlyKeys("create pods", "create events", "update trainingjobs/status");
        // the writes are recorded under the operator's name (its User-Agent), not the client library's
        assertThat(job("e2e-requests").getMetadata().getManagedFields())
                .filteredOn(m -> "status".equals(m.getSubresource()))
                .extracting(io.fabric8.kubernetes.api.model.ManagedFieldsEntry::getManager)
                .containsExactly("mlforge-operator");
        assertThat(pods("e2e-requests"))
                .singleElement()
                .satisfies(pod -> assertThat(pod.getMetadata().getManagedFields())
                        .filteredOn(m ->
                                m.getSubresource() == null || m.getSubresource().isEmpty())
                        .extracting(io.fabric8.kubernetes.api.model.ManagedFieldsEntry::getManager)
                        .as("who created the pod")
                        .containsExactly("mlforge-operator"));
    }

    @Test
    void aStartingOperatorFillsItsCachesPageByPage() throws Exception {
        sandbox.killOperator();
        sandbox.controlPlane().resetRequests();
        sandbox.startOperator();
        List<ControlPlane.AuditedRequest> lists =
                sandbox
                        .controlPlane()
                        .requestsUpToNow(sandbox.operatorIdentity().userName())
                        .stream()
                        .filter(r -> "list".equals(r.verb()))
                        .toList();
        assertThat(lists)
                .extracting(ControlPlane.AuditedRequest::resource)
                .as("the informers' initial lists")
                .contains("pods", "trainingjobs", "tuningjobs", "endpoints", "deployments", "services");
        // a list in one piece decodes every object before any is pruned: with 10,000 pods, more than the heap
        assertThat(lists)
                .allSatisfy(r -> assertThat(r.requestUri()).as(r.requestUri()).contains("limit=500"));
    }

    @Test
    void sageMakerSpotSampleRunsOnTheEmulatorAsOneSageMakerJob() throws Exception {
        long createsBefore = sandbox.sagemaker().requestCounts().getOrDefault("CreateTrainingJob", 0L);
        applySample("trainingjob-sagemaker-spot.yaml");
        TrainingJobStatus running = awaitStatus("bert-spot", "Running", phase(TrainingPhase.Running));
        assertThat(running.sagemaker.trainingJobStatus).isEqualTo("InProgress");
        TrainingJobStatus done = awaitStatus("bert-spot", "Completed", phase(TrainingPhase.Completed));
        String name = done.sagemaker.trainingJobName;
        assertThat(done.sagemaker.trainingJobStatus).isEqualTo("Completed");
        assertThat(done.sagemaker.region).isEqualTo("us-east-1");
        assertThat(done.modelArtifacts).isEqualTo("s3://mlforge-examples/models/" + name + "/output/model.tar.gz");
        // Managed spot: the emulator bills 30 % of the training time (at least a second), the savings follow.
        double training = done.trainingSeconds;
        double billable = done.billableSeconds;
        assertThat(billable).isLessThan(training);
        assertThat(done.spotSavingsPercent)
                .isCloseTo(100 * (1 - billable / training), org.assertj.core.data.Offset.offset(0.1));
        assertThat(done.logs.cloudWatchLogGroup).isEqualTo("/aws/sagemaker/TrainingJobs");
        assertThat(pods("bert-spot")).isEmpty();
        assertThat(sandbox.sagemaker().requestCounts().get("CreateTrainingJob") - createsBefore)
                .isEqualTo(1);
    }

    @Test
    void twoNodeSampleGivesEachPodItsRankOnSimulatedGpuNodes() throws Exception {
        applySample("trainingjob-distributed.yaml");
        awaitStatus("llama-sft-2node", "Completed", phase(TrainingPhase.Completed));
        List<Pod> pods = pods("llama-sft-2node");
        assertThat(pods).hasSize(2);
        for (Pod pod : pods) {
            String rank = pod.getMetadata().getLabels().get("mlforge.io/replica-index");
            Map<String, String> env = new java.util.HashMap<>();
            pod.getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
            assertThat(env)
                    .containsEntry("RANK", rank)
                    .containsEntry("WORLD_SIZE", "2")
                    .containsEntry("PET_NPROC_PER_NODE", "8");
            assertThat(pod.getSpec().getNodeName()).startsWith("sandbox-node-");
            assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
        }
        assertThat(pods.get(0).getSpec().getNodeName())
                .as("8 GPUs each: one pod per node")
                .isNotEqualTo(pods.get(1).getSpec().getNodeName());
    }

    @Test
    void trainerErrorFailsTheJobWithItsMessage() {
        applyYaml("""
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: e2e-crash}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "20"}
                  kubernetes:
                    podAnnotations:
                      sandbox.mlforge.io/fail-after: "2"
                      sandbox.mlforge.io/exit-code: "3"
                      sandbox.mlforge.io/termination-message: "RuntimeError: CUDA out of memory (sandbox)"
                """);
        TrainingJobStatus failed = awaitStatus("e2e-crash", "Failed", phase(TrainingPhase.Failed));
        assertThat(failed.message)
                .contains("exited with code 3")
                .contains("RuntimeError: CUDA out of memory (sandbox)");
        assertThat(failed.attempts).as("application errors are not retried").hasSize(1);
    }

    @Test
    void evictionSampleRecoversWithASecondAttempt() throws Exception {
        applySample("trainingjob-sandbox-eviction.yaml");
        TrainingJobStatus done = awaitStatus("sandbox-eviction", "Completed", phase(TrainingPhase.Completed));
        assertThat(done.attempts).hasSize(2);
        assertThat(done.attempts.get(0)).satisfies(a -> {
            assertThat(a.reason).isEqualTo("Evicted");
            assertThat(a.phase).isEqualTo(TrainingPhase.Failed);
        });
        assertThat(done.attempts.get(1)).satisfies(a -> {
            assertThat(a.cause).isEqualTo("Retry");
            assertThat(a.phase).isEqualTo(TrainingPhase.Completed);
        });
    }

    @Test
    void nodeLossStartsANewAttempt() {
        applyYaml("""
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: e2e-node-loss}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "15"}
                  resources: {gpusPerInstance: 2}
                  kubernetes:
                    podAnnotations: {sandbox.mlforge.io/node-loss-after: "2"}
                """);
        TrainingJobStatus done = awaitStatus("e2e-node-loss", "Completed", phase(TrainingPhase.Completed));
        assertThat(done.attempts.get(0).reason).isIn("NodeLost", "PodLost");
        assertThat(done.attempts).hasSize(2);
    }

    @Test
    void deletingARunningJobRemovesItsPods() throws Exception {
        applySample("trainingjob-quickstart.yaml");
        awaitStatus("quickstart", "Running", phase(TrainingPhase.Running));
        assertThat(pods("quickstart")).isNotEmpty();
        // no finalizer: the job goes at once and kube-controller-manager's garbage collector removes its pods
        assertThat(job("quickstart").getMetadata().getFinalizers()).isEmpty();
        client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                .inNamespace("default")
                .withName("quickstart")
                .delete();
        await().atMost(WAIT)
                .until(() -> job("quickstart") == null && pods("quickstart").isEmpty());
    }

    @Test
    void podsThatFitNowhereLeaveTheJobPendingWithTheSchedulersReason() {
        applyYaml("""
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: e2e-too-big}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  resources: {gpusPerInstance: 16}
                """);
        TrainingJobStatus pending = awaitStatus(
                "e2e-too-big",
                "waiting for capacity",
                s -> s.message != null && s.message.contains("Insufficient nvidia.com/gpu"));
        assertThat(pending.phase).isEqualTo(TrainingPhase.Pending);
        assertThat(pending.message).contains("0/4 nodes are available");
        assertThat(pending.conditions).anySatisfy(c -> {
            assertThat(c.type).isEqualTo(TrainingJobStatus.UNSCHEDULABLE);
            assertThat(c.status).isEqualTo(io.mlforge.api.v1alpha1.ConditionStatus.True);
        });
    }

    @Test
    void theSandboxRejectsInvalidManifestsAsAnApiServerDoes() throws Exception {
        Path invalid = REPO.resolve("config/invalid/trainingjob-sagemaker-without-role.yaml");
        String expected = Files.readAllLines(invalid).stream()
                .filter(l -> l.startsWith("# expected-error: "))
                .findFirst()
                .orElseThrow()
                .substring("# expected-error: ".length());
        assertThatThrownBy(() -> sandbox.apply(invalid)).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getStatus().getMessage()).contains(expected.substring(expected.lastIndexOf(": ") + 2));
            assertThat(e.getStatus().getDetails().getCauses()).isNotEmpty();
        });
        // Defaults are stored as the API server stores them.
        applyYaml("""
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: e2e-defaults}
                spec: {image: mlforge/sandbox-trainer:latest, suspend: true}
                """);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>)
                job("e2e-defaults").getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("backend", "Kubernetes").containsEntry("inputMode", "File");
        // An update that breaks a transition rule is refused too.
        // (a merge patch, as kubectl patch sends: no resourceVersion to conflict with the operator's own writes)
        assertThatThrownBy(() -> client.genericKubernetesResources(Sandbox.TRAINING_JOBS)
                        .inNamespace("default")
                        .withName("e2e-defaults")
                        .patch(
                                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                                "{\"spec\":{\"image\":\"other:2\"}}"))
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getStatus().getMessage()).contains("image is immutable"));
    }
}
