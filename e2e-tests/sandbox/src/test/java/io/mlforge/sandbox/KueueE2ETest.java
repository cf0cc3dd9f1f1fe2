package io.mlforge.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TrainingJobs and TuningJob trials admitted by Kueue running on the real control plane (its manager, webhooks and
 * certificate management as Kueue's release installs them; see {@link Kueue}). The team's ClusterQueue has a quota of
 * 16 GPUs; the cluster has 4 nodes of 8, so everything that waits below waits for Kueue, not for nodes.
 */
class KueueE2ETest {
    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private static final Path WORK = REPO.resolve("e2e-tests/sandbox/target/e2e-kueue");
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int QUOTA_GPUS = 16;
    private static Sandbox sandbox;
    private static Kueue kueue;
    private static KubernetesClient client;
    private static SandboxTrainingJobs jobs;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(new Sandbox.Options(REPO, WORK, 4, 8, 0.2, 0, false, false));
        kueue = Kueue.start(sandbox.controlPlane(), WORK);
        kueue.createQueue("default", "team-a", "team-a-gpus", QUOTA_GPUS);
        sandbox.applyYaml("""
                apiVersion: scheduling.k8s.io/v1
                kind: PriorityClass
                metadata: {name: training-low}
                value: 100
                description: training that yields to training-high (sandbox)
                """);
        sandbox.startOperator();
        client = sandbox.client();
        jobs = new SandboxTrainingJobs(sandbox);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kueue != null) {
            kueue.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** Each test starts with the whole quota free. */
    @AfterEach
    void deleteJobs() {
        client.resources(io.mlforge.api.v1alpha1.TuningJob.class)
                .inNamespace("default")
                .delete();
        client.resources(TrainingJob.class).inNamespace("default").delete();
        try {
            await("quota free again")
                    .atMost(WAIT)
                    .until(() -> client.pods()
                                    .inNamespace("default")
                                    .list()
                                    .getItems()
                                    .isEmpty()
                            && kueue.workloads("default").stream().allMatch(KueueE2ETest::finished));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.println("--- quota not free: pods "
                    + client.pods().inNamespace("default").list().getItems().stream()
                            .map(p -> p.getMetadata().getName() + " "
                                    + p.getStatus().getPhase() + " finalizers="
                                    + p.getMetadata().getFinalizers() + " deleting="
                                    + (p.getMetadata().getDeletionTimestamp() != null))
                            .toList()
                    + "\nworkloads "
                    + kueue.workloads("default").stream()
                            .map(w -> w.getMetadata().getName() + " " + w.get("status"))
                            .toList());
            throw e;
        }
    }

    private static void applyYaml(String yaml) {
        client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
                .inNamespace("default")
                .createOrReplace();
    }

    /** A 2-node job of 8 GPUs per node (the whole quota) in the team's queue, training for {@code epochs} epochs. */
    private static String twoNodeJob(String name, int epochs, String priorityClass, int maxAttempts) {
        return """
                apiVersion: mlforge.io/v1alpha1
                kind: TrainingJob
                metadata: {name: %s}
                spec:
                  image: mlforge/sandbox-trainer:latest
                  hyperParameters: {epochs: "%d"}
                  resources: {instanceCount: 2, gpusPerInstance: 8}
                  retry: {maxAttempts: %d}
                  kubernetes: {queueName: team-a, priorityClassName: %s}
                """.formatted(name, epochs, maxAttempts, priorityClass);
    }

    private static void suspend(String name, boolean suspend) {
        client.resources(TrainingJob.class)
                .inNamespace("default")
                .withName(name)
                .edit(j -> {
                    j.getSpec().suspend = suspend;
                    return j;
                });
    }

    private static TrainingJobStatus awaitStatus(String name, String what, Predicate<TrainingJobStatus> condition) {
        try {
            await(name + " " + what)
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> condition.test(jobs.status(name)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.println("--- " + name + " did not get " + what + "; its status:\n"
                    + client.getKubernetesSerialization().asYaml(jobs.status(name)) + "pods:\n"
                    + pods(name).stream()
                            .map(p -> p.getMetadata().getName() + " "
                                    + p.getStatus().getPhase() + " node="
                                    + p.getSpec().getNodeName() + " gated=" + gated(p))
                            .toList()
                    + "\nworkloads:\n" + client.getKubernetesSerialization().asYaml(kueue.workloads("default")));
            throw e;
        }
        return jobs.status(name);
    }

    private static Predicate<TrainingJobStatus> phase(TrainingPhase phase) {
        return s -> s.phase == phase;
    }

    private static Condition condition(TrainingJobStatus status, String type) {
        return status.conditions == null
                ? null
                : status.conditions.stream()
                        .filter(c -> type.equals(c.type))
                        .findFirst()
                        .orElse(null);
    }

    private static List<Pod> pods(String job) {
        return client.pods()
                .inNamespace("default")
                .withLabel("mlforge.io/training-job", job)
                .list()
                .getItems();
    }

    private static boolean gated(Pod pod) {
        return pod.getSpec().getSchedulingGates() != null
                && pod.getSpec().getSchedulingGates().stream()
                        .anyMatch(g -> "kueue.x-k8s.io/admission".equals(g.getName()));
    }

    private static long gpus(Pod pod) {
        return pod.getSpec().getContainers().stream()
                .map(c -> c.getResources().getRequests())
                .filter(Objects::nonNull)
                .map(r -> r.get("nvidia.com/gpu"))
                .filter(Objects::nonNull)
                .mapToLong(q -> q.getNumericalAmount().longValue())
                .sum();
    }

    /** GPUs held on nodes right now: pods bound to a node that have not finished. */
    private static long gpusOnNodes() {
        return client.pods().inNamespace("default").list().getItems().stream()
                .filter(p -> p.getSpec().getNodeName() != null)
                .filter(p -> !"Succeeded".equals(p.getStatus().getPhase())
                        && !"Failed".equals(p.getStatus().getPhase()))
                .mapToLong(KueueE2ETest::gpus)
                .sum();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> workloadCondition(GenericKubernetesResource workload, String type) {
        Object status = workload.get("status");
        if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> conditions)) {
            return null;
        }
        return conditions.stream()
                .map(c -> (Map<String, Object>) c)
                .filter(c -> type.equals(c.get("type")))
                .findFirst()
                .orElse(null);
    }

    /** A workload Kueue has finished: its quota is free and it will not be admitted again. */
    private static boolean finished(GenericKubernetesResource workload) {
        Map<String, Object> c = workloadCondition(workload, "Finished");
        return c != null && "True".equals(c.get("status"));
    }

    private static boolean admitted(String workloadName) {
        return kueue.workloads("default").stream()
                .filter(w -> w.getMetadata().getName().equals(workloadName))
                .anyMatch(w -> {
                    Map<String, Object> c = workloadCondition(w, "Admitted");
                    return c != null && "True".equals(c.get("status"));
                });
    }

    @Test
    void twoJobsCompetingForAQuotaThatFitsOneRunOneAfterTheOtherAndTheWaitingOneHoldsNoGpu() throws Exception {
        applyYaml(twoNodeJob("first", 150, "training-low", 3));
        awaitStatus("first", "Running", phase(TrainingPhase.Running));
        applyYaml(twoNodeJob("second", 10, "training-low", 3));

        TrainingJobStatus queued = awaitStatus(
                "second",
                "Queued with Kueue's reason",
                s -> s.phase == TrainingPhase.Queued
                        && condition(s, TrainingJobStatus.QUEUED) != null
                        && condition(s, TrainingJobStatus.QUEUED).message.contains("insufficient unused quota"));
        Condition waiting = condition(queued, TrainingJobStatus.QUEUED);
        assertThat(waiting.status).isEqualTo(ConditionStatus.True);
        assertThat(waiting.reason).as("Kueue's reason").isEqualTo("Pending");
        assertThat(waiting.message).contains("nvidia.com/gpu");
        assertThat(queued.message).startsWith("attempt 1 is queued in Kueue queue team-a: couldn't assign flavors");
        assertThat(condition(queued, "Ready").status).isEqualTo(ConditionStatus.False);
        assertThat(pods("second"))
                .as("the waiting job's pods exist but are held by Kueue's gate, on no node")
                .hasSize(2)
                .allSatisfy(p -> {
                    assertThat(gated(p)).isTrue();
                    assertThat(p.getSpec().getNodeName()).isNull();
                });
        String table =
                sandbox.controlPlane().kubectl("get", "mltj", "-n", "default").out();
        assertThat(table.lines().filter(l -> l.startsWith("second ")))
                .as("kubectl get mltj:\n%s", table)
                .singleElement()
                .asString()
                .contains("Queued");

        // While the first runs, the GPUs in use never exceed the quota; then the second is admitted.
        Map<String, Instant> seen = new ConcurrentHashMap<>();
        long maxGpus = 0;
        String secondAttempt = queued.attempts.get(0).backendName;
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline) && !seen.containsKey("second scheduled")) {
            maxGpus = Math.max(maxGpus, gpusOnNodes());
            Instant now = Instant.now();
            if (pods("first").stream()
                    .allMatch(p -> "Succeeded".equals(p.getStatus().getPhase()))) {
                seen.putIfAbsent("first finished", now);
            }
            if (admitted(secondAttempt)) {
                seen.putIfAbsent("second admitted", now);
            }
            List<Pod> second = pods("second");
            if (!second.isEmpty() && second.stream().noneMatch(KueueE2ETest::gated)) {
                seen.putIfAbsent("second ungated", now);
            }
            if (second.size() == 2 && second.stream().allMatch(p -> p.getSpec().getNodeName() != null)) {
                seen.putIfAbsent("second scheduled", now);
            }
            Thread.sleep(20);
        }
        assertThat(seen).containsKeys("first finished", "second admitted", "second ungated", "second scheduled");
        assertThat(maxGpus).as("GPUs held on nodes at any time").isLessThanOrEqualTo(QUOTA_GPUS);
        System.out.printf(
                "Kueue admission in the sandbox: first job's pods finished -> second admitted %d ms -> its pods"
                        + " ungated %d ms -> both scheduled %d ms (polled every 20 ms)%n",
                Duration.between(seen.get("first finished"), seen.get("second admitted"))
                        .toMillis(),
                Duration.between(seen.get("first finished"), seen.get("second ungated"))
                        .toMillis(),
                Duration.between(seen.get("first finished"), seen.get("second scheduled"))
                        .toMillis());

        TrainingJobStatus done = awaitStatus("second", "Completed", phase(TrainingPhase.Completed));
        Condition admitted = condition(done, TrainingJobStatus.QUEUED);
        assertThat(admitted.status).isEqualTo(ConditionStatus.False);
        assertThat(admitted.reason).isEqualTo("Admitted");
        assertThat(done.attempts).hasSize(1);
        assertThat(jobs.status("first").phase).isEqualTo(TrainingPhase.Completed);
    }

    /**
     * Evidence for the integration (README, "Why pod groups and not one batch/v1 Job per attempt"): the same 2 x 8 GPU
     * shape as a batch/v1 Indexed Job, which Kueue admits by unsuspending it and the Job controller then creates the
     * pods, and as a plain pod group, whose pods exist gated and Kueue admits by removing the gate. Both created
     * directly with the quota free, one at a time; time from the create call until both pods are on nodes.
     */
    @Test
    void aBatchJobAndAPodGroupOfTheSameShapeAreBothAdmittedWholeAndTheirLatencyIsPrinted() throws Exception {
        List<Long> jobMs = new java.util.ArrayList<>();
        List<Long> groupMs = new java.util.ArrayList<>();
        for (int round = 0; round < 3; round++) {
            String job = "cmp-job-" + round;
            Instant start = Instant.now();
            applyYaml(indexedJob(job));
            jobMs.add(millisUntilScheduled(start, "job-name=" + job));
            client.batch()
                    .v1()
                    .jobs()
                    .inNamespace("default")
                    .withName(job)
                    .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
                    .delete();
            deleteJobs();

            String group = "cmp-group-" + round;
            start = Instant.now();
            applyYaml(podOfGroup(group, 0) + "---\n" + podOfGroup(group, 1));
            groupMs.add(millisUntilScheduled(start, "kueue.x-k8s.io/pod-group-name=" + group));
            client.pods()
                    .inNamespace("default")
                    .withLabel("kueue.x-k8s.io/pod-group-name", group)
                    .delete();
            deleteJobs();
        }
        System.out.printf(
                "Kueue admission, create -> both pods on nodes, quota free, 3 rounds: batch/v1 Indexed Job %s ms"
                        + " (median %d), plain pod group %s ms (median %d)%n",
                jobMs, median(jobMs), groupMs, median(groupMs));
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    /** Waits until the two pods matching {@code selector} are bound to nodes, then returns the ms since start. */
    private static long millisUntilScheduled(Instant start, String selector) throws InterruptedException {
        String[] label = selector.split("=", 2);
        Instant deadline = start.plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            List<Pod> pods = client.pods()
                    .inNamespace("default")
                    .withLabel(label[0], label[1])
                    .list()
                    .getItems();
            if (pods.size() == 2 && pods.stream().allMatch(p -> p.getSpec().getNodeName() != null)) {
                return Duration.between(start, Instant.now()).toMillis();
            }
            Thread.sleep(20);
        }
        throw new AssertionError(selector + ": both pods not on nodes within " + WAIT + "; workloads: "
                + kueue.workloads("default").stream()
                        .map(w -> w.getMetadata().getName() + " " + w.get("status"))
                        .toList());
    }

    private static final String GPU_POD_SPEC = """
              restartPolicy: Never
              priorityClassName: training-low
              containers:
              - name: trainer
                image: example.com/trainer:1
                resources:
                  requests: {cpu: "1", memory: 1Gi, nvidia.com/gpu: "8"}
                  limits: {nvidia.com/gpu: "8"}
            """;

    private static String indexedJob(String name) {
        return """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: %s
                  labels: {kueue.x-k8s.io/queue-name: team-a}
                spec:
                  completionMode: Indexed
                  completions: 2
                  parallelism: 2
                  suspend: true
                  template:
                    spec:
                """.formatted(name) + GPU_POD_SPEC.indent(4);
    }

    private static String podOfGroup(String group, int index) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s-%d
                  labels: {kueue.x-k8s.io/queue-name: team-a, kueue.x-k8s.io/pod-group-name: %s}
                  annotations: {kueue.x-k8s.io/pod-group-total-count: "2", kueue.x-k8s.io/retriable-in-group: "false"}
                spec:
                """.formatted(group, index, group) + GPU_POD_SPEC;
    }

    @Test
    void aHigherPriorityJobPreemptsThroughKueueAndThePreemptedAttemptIsRetriedWithoutCounting() throws Exception {
        // maxAttempts 1: had the preemption counted as a failed attempt, the job would fail instead of retrying
        applyYaml(twoNodeJob("batch-low", 40, "training-low", 1));
        awaitStatus("batch-low", "Running", phase(TrainingPhase.Running));
        applyYaml(twoNodeJob("urgent-high", 10, "training-high", 3));

        TrainingJobStatus requeued = awaitStatus(
                "batch-low",
                "preempted and queued again",
                s -> s.attempts != null && s.attempts.size() == 2 && s.phase == TrainingPhase.Queued);
        assertThat(requeued.attempts.get(0).phase).isEqualTo(TrainingPhase.Failed);
        assertThat(requeued.attempts.get(0).reason).isEqualTo("PreemptedByKueue");
        assertThat(requeued.attempts.get(0).message)
                .contains("Kueue: Preempted to accommodate a workload")
                .contains("prioritization in the ClusterQueue");
        assertThat(requeued.attempts.get(1).cause).isEqualTo("Retry");

        awaitStatus("urgent-high", "Completed", phase(TrainingPhase.Completed));
        TrainingJobStatus low = awaitStatus("batch-low", "Completed", phase(TrainingPhase.Completed));
        assertThat(low.attempts).hasSize(2);
        assertThat(low.attempts.get(1).phase).isEqualTo(TrainingPhase.Completed);
        assertThat(jobs.status("urgent-high").attempts).hasSize(1);
        assertThat(client.v1().events().inNamespace("default").list().getItems())
                .filteredOn(e -> "batch-low".equals(e.getInvolvedObject().getName()))
                .extracting(e -> e.getReason() + ": " + e.getMessage())
                .anySatisfy(e -> assertThat(e).startsWith("AttemptFailed: attempt 1 failed: PreemptedByKueue"));
    }

    @Test
    void suspendingAnAdmittedJobGivesItsQuotaBackAndResumingQueuesItAgain() throws Exception {
        applyYaml(twoNodeJob("pausable", 60, "training-low", 3));
        awaitStatus("pausable", "Running", phase(TrainingPhase.Running));
        applyYaml(twoNodeJob("waiter", 10, "training-low", 3));
        awaitStatus("waiter", "Queued", phase(TrainingPhase.Queued));

        suspend("pausable", true);
        awaitStatus("pausable", "Suspended", phase(TrainingPhase.Suspended));
        await("pausable's pods gone (Kueue removed its finalizer)")
                .atMost(WAIT)
                .until(() -> pods("pausable").isEmpty());
        // the suspended job's quota went back to the queue: the waiting job runs
        awaitStatus("waiter", "Completed", phase(TrainingPhase.Completed));

        applyYaml(twoNodeJob("blocker", 60, "training-low", 3));
        awaitStatus("blocker", "Running", phase(TrainingPhase.Running));
        suspend("pausable", false);
        TrainingJobStatus resumed = awaitStatus(
                "pausable",
                "resumed into the queue behind the blocker",
                s -> s.phase == TrainingPhase.Queued && s.attempts.size() == 2);
        assertThat(resumed.attempts.get(1).cause).isEqualTo("Resumed");
        awaitStatus("pausable", "Completed", phase(TrainingPhase.Completed));
    }

    @Test
    void tuningTrialsWaitInTheQueueSoTheQuotaBoundsTheGpusASearchUses() throws Exception {
        // 4 trials at a time of 1 node x 8 GPUs each: the 16-GPU quota lets 2 of them run
        applyYaml("""
                apiVersion: mlforge.io/v1alpha1
                kind: TuningJob
                metadata: {name: queued-search}
                spec:
                  strategy: Random
                  objective: {metricName: validation:objective, type: Minimize}
                  parameters:
                    - {name: x1, type: Continuous, min: -5, max: 10}
                    - {name: x2, type: Continuous, min: 0, max: 15}
                  maxTrials: 6
                  maxParallelTrials: 4
                  randomSeed: 3
                  trainingJobTemplate:
                    spec:
                      image: mlforge/sandbox-trainer:latest
                      hyperParameters: {objective: branin, epochs: "15"}
                      resources: {instanceCount: 1, gpusPerInstance: 8}
                      metrics:
                        - {name: validation:objective, regex: "objective=([-0-9.]+)"}
                      kubernetes: {queueName: team-a}
                """);
        AtomicInteger maxQueued = new AtomicInteger();
        long maxGpus = 0;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        String phase = null;
        while (Instant.now().isBefore(deadline)) {
            maxGpus = Math.max(maxGpus, gpusOnNodes());
            int queuedTrials =
                    (int) client.resources(TrainingJob.class).inNamespace("default").list().getItems().stream()
                            .filter(j -> j.getStatus() != null && j.getStatus().phase == TrainingPhase.Queued)
                            .count();
            maxQueued.accumulateAndGet(queuedTrials, Math::max);
            var search = client.resources(io.mlforge.api.v1alpha1.TuningJob.class)
                    .inNamespace("default")
                    .withName("queued-search")
                    .get();
            phase = search.getStatus() == null || search.getStatus().phase == null
                    ? null
                    : search.getStatus().phase.name();
            if ("Completed".equals(phase) || "Failed".equals(phase)) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(phase).isEqualTo("Completed");
        assertThat(maxGpus).as("GPUs the search held on nodes at any time").isLessThanOrEqualTo(QUOTA_GPUS);
        assertThat(maxQueued.get())
                .as("trials seen waiting in the queue at once")
                .isGreaterThanOrEqualTo(1);
        assertThat(client.resources(TrainingJob.class)
                        .inNamespace("default")
                        .list()
                        .getItems())
                .hasSize(6)
                .allSatisfy(t -> assertThat(t.getStatus().phase).isEqualTo(TrainingPhase.Completed));
    }
}
