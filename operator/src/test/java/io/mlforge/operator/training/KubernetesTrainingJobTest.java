package io.mlforge.operator.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.agent.AgentPlan;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.kubesim.PodStates;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.support.MlforgeCrdsSetup;
import io.mlforge.operator.training.kubernetes.TrainingLabels;
import io.mlforge.sagemaker.emulator.ManualClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The TrainingJob controller with backend Kubernetes, against fabric8's mock API server over HTTP. The mock has no
 * scheduler and no kubelet, so the test plays them step by step: it writes the pod statuses they would write
 * ({@link PodStates}, the same transitions the sandbox's simulated kubelet writes on the real control plane) through
 * the pods' status subresource, and so decides exactly when each pod is scheduled, runs, exits or is evicted.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = MlforgeCrdsSetup.class)
@TestProfile(TrainingProfile.class)
class KubernetesTrainingJobTest {
    static final String NS = "ml";
    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Inject
    ManualClock clock;

    @KubernetesTestServer
    KubernetesServer server;

    private int nextIp = 10;

    // ---- the test as scheduler and kubelet

    private Pod writeStatus(String pod, UnaryOperator<Pod> transition) {
        return client.pods().inNamespace(NS).withName(pod).editStatus(transition);
    }

    private List<Pod> pods(String labelKey, String labelValue) {
        return client.pods()
                .inNamespace(NS)
                .withLabel(labelKey, labelValue)
                .list()
                .getItems();
    }

    private void schedule(String pod) {
        writeStatus(pod, p -> PodStates.scheduled(p, "gpu-node-1", clock.instant()));
    }

    private void run(String pod) {
        String ip = "10.1.0." + (nextIp++);
        writeStatus(pod, p -> PodStates.running(p, ip, clock.instant()));
    }

    private void exit(String pod, int exitCode, String message) {
        writeStatus(pod, p -> PodStates.exited(p, "trainer", exitCode, null, message, clock.instant()));
    }

    private void evict(String pod, String message) {
        writeStatus(pod, p -> PodStates.evicted(p, message, clock.instant()));
    }

    private void preempt(String pod) {
        writeStatus(pod, p -> PodStates.preempted(p, "Preempted in order to admit critical pod", clock.instant()));
    }

    private void unschedulable(String pod, String message) {
        writeStatus(pod, p -> PodStates.unschedulable(p, message, clock.instant()));
    }

    private TrainingJob create(String name, String spec) {
        return client.resources(TrainingJob.class)
                .inNamespace(NS)
                .resource(TrainingJobs.manifest(name, spec))
                .create();
    }

    private TrainingJob job(String name) {
        return client.resources(TrainingJob.class)
                .inNamespace(NS)
                .withName(name)
                .get();
    }

    private TrainingJobStatus awaitStatus(String name, String what, Predicate<TrainingJobStatus> condition) {
        await(what).atMost(WAIT).until(() -> {
            TrainingJob job = job(name);
            return job != null && job.getStatus() != null && condition.test(job.getStatus());
        });
        return job(name).getStatus();
    }

    private String attemptName(String job, int attempt) {
        TrainingJobStatus status = awaitStatus(
                job, "attempt " + attempt + " of " + job, s -> s.attempts != null && s.attempts.size() >= attempt);
        return status.attempts.get(attempt - 1).backendName;
    }

    private List<Pod> awaitPods(String attemptName, int count) {
        await("pods of " + attemptName)
                .atMost(WAIT)
                .until(() -> pods(TrainingLabels.ATTEMPT, attemptName).size() == count);
        return pods(TrainingLabels.ATTEMPT, attemptName).stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .toList();
    }

    private void runAll(List<Pod> pods) {
        for (Pod pod : pods) {
            schedule(pod.getMetadata().getName());
            run(pod.getMetadata().getName());
        }
    }

    private List<Event> events(String job) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> job.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    private static Map<String, String> env(Pod pod) {
        return pod.getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
    }

    @Test
    void singleNodeJobRunsToCompletionWithModelArtifacts() {
        create("single", """
                image: registry.example/train:1
                resources: {gpusPerInstance: 1}
                output: {uri: "s3://bucket/models/"}
                """);
        String attempt = attemptName("single", 1);
        List<Pod> pods = awaitPods(attempt, 1);
        assertThat(client.services().inNamespace(NS).withName(attempt).get())
                .as("a single pod resolves its own host name from /etc/hosts: no Service")
                .isNull();
        assertThat(pods.get(0).getSpec().getHostname()).isEqualTo("algo-1");
        assertThat(pods.get(0).getSpec().getSubdomain()).isEqualTo(attempt);
        assertThat(pods.get(0).getMetadata().getOwnerReferences().get(0).getName())
                .isEqualTo("single");
        assertThat(awaitStatus("single", "Pending", s -> s.phase == TrainingPhase.Pending).message)
                .isEqualTo("attempt 1 waits for its pods to be scheduled");

        schedule(pods.get(0).getMetadata().getName());
        awaitStatus("single", "Starting", s -> s.phase == TrainingPhase.Starting);
        run(pods.get(0).getMetadata().getName());
        TrainingJobStatus running = awaitStatus("single", "Running", s -> s.phase == TrainingPhase.Running);
        assertThat(running.startTime).isNotNull();
        assertThat(Conditions.isTrue(running.conditions, TrainingJobStatus.RUNNING))
                .isTrue();
        assertThat(running.logs.command).isEqualTo("kubectl logs -n ml " + attempt + "-0 -c trainer");

        exit(pods.get(0).getMetadata().getName(), 0, null);
        TrainingJobStatus done = awaitStatus("single", "Completed", s -> s.phase == TrainingPhase.Completed);
        assertThat(done.modelArtifacts).isEqualTo("s3://bucket/models/" + attempt + "/output/model.tar.gz");
        assertThat(done.completionTime).isNotNull();
        assertThat(done.attempts).singleElement().satisfies(a -> {
            assertThat(a.phase).isEqualTo(TrainingPhase.Completed);
            assertThat(a.cause).isEqualTo("Created");
        });
        Condition ready = Conditions.find(done.conditions, Condition.READY);
        assertThat(ready.status).isEqualTo(ConditionStatus.True);
        assertThat(ready.observedGeneration)
                .isEqualTo(job("single").getMetadata().getGeneration());
        assertThat(Conditions.isTrue(done.conditions, TrainingJobStatus.SUCCEEDED))
                .isTrue();
        assertThat(Conditions.isTrue(done.conditions, TrainingJobStatus.RUNNING))
                .isFalse();
        assertThat(done.observedGeneration).isEqualTo(1L);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(events("single"))
                        .extracting(Event::getReason)
                        .containsExactlyInAnyOrder("AttemptCreated", "Completed"));
    }

    /**
     * A replica created the pods and died (or lost the lease) before writing status; by the time the next one looks,
     * the pods have finished and no event of theirs will come again. It must look at them at once, not after the
     * five-minute unschedulable check (the leader failover test found jobs stuck in Pending that way).
     */
    @Test
    void podsCreatedBeforeALostStatusWriteAreLookedAtAtOnce() throws Exception {
        create("lost-status", """
                image: registry.example/train:1
                resources: {gpusPerInstance: 1}
                """);
        String attempt = attemptName("lost-status", 1);
        String pod = awaitPods(attempt, 1).get(0).getMetadata().getName();
        // the status the previous replica never wrote: the job looks new again (a status-only change: no reconcile)
        client.resources(TrainingJob.class)
                .inNamespace(NS)
                .withName("lost-status")
                .editStatus(j -> {
                    j.setStatus(null);
                    return j;
                });
        Thread.sleep(500); // the informer sees the empty status before the pod's event
        // scheduled, run and finished in one write: one event, after which the pod never changes again
        writeStatus(
                pod,
                p -> PodStates.exited(
                        PodStates.running(
                                PodStates.scheduled(p, "gpu-node-1", clock.instant()), "10.1.0.99", clock.instant()),
                        "trainer",
                        0,
                        null,
                        null,
                        clock.instant()));
        TrainingJobStatus done = awaitStatus("lost-status", "Completed", s -> s.phase == TrainingPhase.Completed);
        assertThat(done.attempts)
                .singleElement()
                .satisfies(a -> assertThat(a.backendName).isEqualTo(attempt));
    }

    @Test
    void twoNodeJobGivesEveryPodItsRankAndTheRendezvous() {
        create("ddp", """
                image: registry.example/train:1
                command: [torchrun, train.py]
                resources: {instanceCount: 2, gpusPerInstance: 4}
                kubernetes: {rendezvousPort: 29400}
                """);
        String attempt = attemptName("ddp", 1);
        List<Pod> pods = awaitPods(attempt, 2);
        Service service = client.services().inNamespace(NS).withName(attempt).get();
        assertThat(service.getSpec().getSelector()).containsEntry(TrainingLabels.ATTEMPT, attempt);
        String master = "algo-1." + attempt + ".ml.svc.cluster.local";
        for (int rank = 0; rank < 2; rank++) {
            Map<String, String> env = env(pods.get(rank));
            assertThat(env)
                    .containsEntry("MASTER_ADDR", master)
                    .containsEntry("MASTER_PORT", "29400")
                    .containsEntry("WORLD_SIZE", "2")
                    .containsEntry("RANK", Integer.toString(rank))
                    .containsEntry("NODE_RANK", Integer.toString(rank))
                    .containsEntry("PET_NPROC_PER_NODE", "4")
                    .containsEntry("SM_CURRENT_HOST", "algo-" + (rank + 1))
                    .containsEntry("SM_HOSTS", "[\"algo-1\",\"algo-2\"]");
            assertThat(pods.get(rank)
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getResources()
                            .getLimits()
                            .get("nvidia.com/gpu")
                            .toString())
                    .isEqualTo("4");
        }
        runAll(pods);
        awaitStatus("ddp", "Running", s -> s.phase == TrainingPhase.Running);
        // One worker finishing early is not the end; both must finish.
        exit(pods.get(1).getMetadata().getName(), 0, null);
        exit(pods.get(0).getMetadata().getName(), 0, null);
        awaitStatus("ddp", "Completed", s -> s.phase == TrainingPhase.Completed);
    }

    @Test
    void applicationErrorFailsTheJobWithTheTrainersMessageAndStopsThePeers() {
        create("crash", """
                image: registry.example/train:1
                resources: {instanceCount: 2}
                retry: {maxAttempts: 3}
                """);
        String attempt = attemptName("crash", 1);
        List<Pod> pods = awaitPods(attempt, 2);
        runAll(pods);
        awaitStatus("crash", "Running", s -> s.phase == TrainingPhase.Running);
        exit(pods.get(1).getMetadata().getName(), 2, "ValueError: labels and logits shapes differ");

        TrainingJobStatus failed = awaitStatus("crash", "Failed", s -> s.phase == TrainingPhase.Failed);
        Condition condition = Conditions.find(failed.conditions, TrainingJobStatus.FAILED);
        assertThat(condition.status).isEqualTo(ConditionStatus.True);
        assertThat(condition.reason).isEqualTo("Error");
        assertThat(condition.message)
                .isEqualTo("trainer on host algo-2 exited with code 2: ValueError: labels and logits shapes differ");
        assertThat(failed.attempts).as("application errors are not retried").hasSize(1);
        assertThat(failed.attempts.get(0).exitCode).isEqualTo(2);
        // Gang: rank 0 was still running and is stopped; the failed pod stays for its logs.
        await().atMost(WAIT)
                .until(() -> client.pods()
                                .inNamespace(NS)
                                .withName(pods.get(0).getMetadata().getName())
                                .get()
                        == null);
        assertThat(client.pods()
                        .inNamespace(NS)
                        .withName(pods.get(1).getMetadata().getName())
                        .get())
                .isNotNull();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(events("crash")).anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("Failed");
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).contains("labels and logits shapes differ");
                }));
    }

    @Test
    void evictionStartsASecondAttemptThatResumesFromCheckpoints() {
        create("evicted", """
                image: registry.example/train:1
                checkpoints: {uri: "s3://bucket/ckpt/evicted/"}
                output: {uri: "s3://bucket/models/"}
                """);
        String first = attemptName("evicted", 1);
        Pod pod = awaitPods(first, 1).get(0);
        runAll(List.of(pod));
        awaitStatus("evicted", "Running", s -> s.phase == TrainingPhase.Running);
        evict(pod.getMetadata().getName(), "The node was low on resource: ephemeral-storage.");

        String second = attemptName("evicted", 2);
        TrainingJobStatus status = job("evicted").getStatus();
        TrainingAttempt failed = status.attempts.get(0);
        assertThat(failed.phase).isEqualTo(TrainingPhase.Failed);
        assertThat(failed.reason).isEqualTo("Evicted");
        assertThat(failed.message).contains("low on resource: ephemeral-storage");
        assertThat(status.attempts.get(1).cause).isEqualTo("Retry");
        assertThat(second).isNotEqualTo(first).endsWith("-2");
        Pod resumed = awaitPods(second, 1).get(0);
        AgentPlan plan = AgentPlan.fromJson(resumed.getSpec().getInitContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(AgentPlan.ENV))
                .findFirst()
                .orElseThrow()
                .getValue());
        assertThat(plan.checkpoints().uri())
                .as("the new attempt restores the same checkpoints")
                .isEqualTo("s3://bucket/ckpt/evicted/");
        assertThat(resumed.getSpec().getInitContainers().get(0).getArgs()).containsExactly("prepare");

        runAll(List.of(resumed));
        exit(resumed.getMetadata().getName(), 0, null);
        TrainingJobStatus done = awaitStatus("evicted", "Completed", s -> s.phase == TrainingPhase.Completed);
        assertThat(done.attempt).isEqualTo(2);
        assertThat(done.modelArtifacts).contains(second);
    }

    @Test
    void retriesStopAtMaxAttempts() {
        create("flaky-node", "image: registry.example/train:1\nretry: {maxAttempts: 2}");
        for (int attempt = 1; attempt <= 2; attempt++) {
            Pod pod = awaitPods(attemptName("flaky-node", attempt), 1).get(0);
            runAll(List.of(pod));
            preempt(pod.getMetadata().getName());
        }
        TrainingJobStatus failed = awaitStatus("flaky-node", "Failed", s -> s.phase == TrainingPhase.Failed);
        assertThat(failed.attempts)
                .hasSize(2)
                .allSatisfy(a -> assertThat(a.reason).isEqualTo("Preempted"));
        assertThat(failed.message).contains("2 of 2 attempts failed");
    }

    @Test
    void maxRuntimeIsEnforced() {
        create("slow", "image: registry.example/train:1\nstopping: {maxRuntimeSeconds: 600}");
        Pod pod = awaitPods(attemptName("slow", 1), 1).get(0);
        runAll(List.of(pod));
        awaitStatus("slow", "Running", s -> s.phase == TrainingPhase.Running);
        clock.advance(Duration.ofSeconds(601));
        writeStatus(pod.getMetadata().getName(), p -> {
            p.getStatus().setMessage("still training"); // any pod event makes the operator look again
            return p;
        });
        TrainingJobStatus failed = awaitStatus("slow", "Failed", s -> s.phase == TrainingPhase.Failed);
        assertThat(Conditions.find(failed.conditions, TrainingJobStatus.FAILED).reason)
                .isEqualTo("MaxRuntimeExceeded");
        assertThat(failed.message).contains("stopping.maxRuntimeSeconds (600 s)");
        await().atMost(WAIT)
                .until(() -> client.pods()
                                .inNamespace(NS)
                                .withName(pod.getMetadata().getName())
                                .get()
                        == null);
    }

    @Test
    void userStopEndsTheJobInStopped() {
        create("stop-me", "image: registry.example/train:1\nresources: {instanceCount: 2}");
        List<Pod> pods = awaitPods(attemptName("stop-me", 1), 2);
        runAll(pods);
        awaitStatus("stop-me", "Running", s -> s.phase == TrainingPhase.Running);
        client.resources(TrainingJob.class).inNamespace(NS).withName("stop-me").edit(j -> {
            j.getSpec().stop = true;
            return j;
        });
        TrainingJobStatus stopped = awaitStatus("stop-me", "Stopped", s -> s.phase == TrainingPhase.Stopped);
        assertThat(stopped.attempts.get(0).phase).isEqualTo(TrainingPhase.Stopped);
        assertThat(stopped.completionTime).isNotNull();
        assertThat(pods(TrainingLabels.JOB_UID, job("stop-me").getMetadata().getUid()))
                .isEmpty();
    }

    @Test
    void anInClusterJobCarriesNoFinalizerAndOwnsItsPods() {
        TrainingJob created = create("owned", "image: registry.example/train:1\nresources: {instanceCount: 2}");
        String attempt = attemptName("owned", 1);
        runAll(awaitPods(attempt, 2));
        awaitStatus("owned", "Running", s -> s.phase == TrainingPhase.Running);
        // the garbage collector removes the pods and the Service when the job goes (on a real API server: the e2e test)
        assertThat(job("owned").getMetadata().getFinalizers()).isEmpty();
        List<HasMetadata> owned = new java.util.ArrayList<>(pods(TrainingLabels.ATTEMPT, attempt));
        owned.add(client.services().inNamespace(NS).withName(attempt).get());
        assertThat(owned)
                .hasSize(3)
                .allSatisfy(o -> assertThat(o.getMetadata().getOwnerReferences())
                        .singleElement()
                        .satisfies(ref -> {
                            assertThat(ref.getUid())
                                    .isEqualTo(created.getMetadata().getUid());
                            assertThat(ref.getController()).isTrue();
                        }));
    }

    @Test
    void aJobWithTheFinalizerOfAnEarlierVersionHasItsPodsRemovedBeforeItGoes() {
        TrainingJob legacy =
                TrainingJobs.manifest("legacy", "image: registry.example/train:1\nresources: {instanceCount: 2}");
        legacy.getMetadata().setFinalizers(List.of("trainingjobs.mlforge.io/finalizer"));
        client.resources(TrainingJob.class).inNamespace(NS).resource(legacy).create();
        String attempt = attemptName("legacy", 1);
        runAll(awaitPods(attempt, 2));
        awaitStatus("legacy", "Running", s -> s.phase == TrainingPhase.Running);
        client.resources(TrainingJob.class).inNamespace(NS).withName("legacy").delete();
        await().atMost(WAIT).until(() -> job("legacy") == null);
        assertThat(pods(TrainingLabels.ATTEMPT, attempt)).isEmpty();
        assertThat(client.services().inNamespace(NS).withName(attempt).get()).isNull();
    }

    @Test
    void kueueQueueNameGroupsThePods() {
        create(
                "queued",
                "image: registry.example/train:1\nresources: {instanceCount: 3}\nkubernetes: {queueName: team-gpus}");
        String attempt = attemptName("queued", 1);
        for (Pod pod : awaitPods(attempt, 3)) {
            assertThat(pod.getMetadata().getLabels())
                    .containsEntry("kueue.x-k8s.io/queue-name", "team-gpus")
                    .containsEntry("kueue.x-k8s.io/pod-group-name", attempt);
            assertThat(pod.getMetadata().getAnnotations()).containsEntry("kueue.x-k8s.io/pod-group-total-count", "3");
        }
    }

    @Test
    void ttlRemovesThePodsOfAFinishedJobButKeepsItsStatus() {
        create("ttl", "image: registry.example/train:1\nttlSecondsAfterFinished: 3600");
        Pod pod = awaitPods(attemptName("ttl", 1), 1).get(0);
        runAll(List.of(pod));
        exit(pod.getMetadata().getName(), 0, null);
        awaitStatus("ttl", "Completed", s -> s.phase == TrainingPhase.Completed);
        assertThat(client.pods()
                        .inNamespace(NS)
                        .withName(pod.getMetadata().getName())
                        .get())
                .as("kept for its logs")
                .isNotNull();
        clock.advance(Duration.ofSeconds(3601));
        client.resources(TrainingJob.class).inNamespace(NS).withName("ttl").edit(j -> {
            j.getSpec().deletionPolicy =
                    io.mlforge.api.v1alpha1.JobDeletionPolicy.Retain; // a spec change makes the operator look again
            return j;
        });
        await().atMost(WAIT)
                .until(() -> client.pods()
                                .inNamespace(NS)
                                .withName(pod.getMetadata().getName())
                                .get()
                        == null);
        assertThat(job("ttl").getStatus().phase).isEqualTo(TrainingPhase.Completed);
        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertThat(events("ttl")).extracting(Event::getReason).contains("CleanedUp"));
    }

    @Test
    void suspendRemovesPodsAndResumeStartsANewAttempt() {
        create("pausable", "image: registry.example/train:1\ncheckpoints: {uri: \"s3://bucket/ckpt/p/\"}");
        runAll(awaitPods(attemptName("pausable", 1), 1));
        awaitStatus("pausable", "Running", s -> s.phase == TrainingPhase.Running);
        client.resources(TrainingJob.class).inNamespace(NS).withName("pausable").edit(j -> {
            j.getSpec().suspend = true;
            return j;
        });
        TrainingJobStatus suspended = awaitStatus("pausable", "Suspended", s -> s.phase == TrainingPhase.Suspended);
        assertThat(Conditions.isTrue(suspended.conditions, TrainingJobStatus.SUSPENDED))
                .isTrue();
        client.resources(TrainingJob.class).inNamespace(NS).withName("pausable").edit(j -> {
            j.getSpec().suspend = false;
            return j;
        });
        String second = attemptName("pausable", 2);
        assertThat(job("pausable").getStatus().attempts.get(1).cause).isEqualTo("Resumed");
        assertThat(awaitPods(second, 1)).hasSize(1);
        assertThat(Conditions.isTrue(job("pausable").getStatus().conditions, TrainingJobStatus.SUSPENDED))
                .isFalse();
    }

    @Test
    void restartNonceRunsAFinishedJobAgain() {
        create("rerun", "image: registry.example/train:1");
        Pod first = awaitPods(attemptName("rerun", 1), 1).get(0);
        runAll(List.of(first));
        exit(first.getMetadata().getName(), 1, "boom");
        awaitStatus("rerun", "Failed", s -> s.phase == TrainingPhase.Failed);
        client.resources(TrainingJob.class).inNamespace(NS).withName("rerun").edit(j -> {
            j.getSpec().restartNonce = 1L;
            return j;
        });
        String second = attemptName("rerun", 2);
        TrainingJobStatus status = awaitStatus("rerun", "new run", s -> s.phase == TrainingPhase.Pending);
        assertThat(status.attempts.get(1).cause).isEqualTo("Restarted");
        assertThat(status.completionTime).as("cleared for the new run").isNull();
        assertThat(status.observedRestartNonce).isEqualTo(1L);
        Pod rerun = awaitPods(second, 1).get(0);
        runAll(List.of(rerun));
        exit(rerun.getMetadata().getName(), 0, null);
        assertThat(awaitStatus("rerun", "Completed", s -> s.phase == TrainingPhase.Completed).attempt)
                .isEqualTo(2);
    }

    @Test
    void unschedulablePodsSetAConditionWithTheSchedulersMessage() {
        create("too-big", "image: registry.example/train:1\nresources: {gpusPerInstance: 64}");
        Pod pod = awaitPods(attemptName("too-big", 1), 1).get(0);
        unschedulable(pod.getMetadata().getName(), "0/4 nodes are available: 4 Insufficient nvidia.com/gpu.");
        // a fresh scheduling failure is churn (a scaling cluster): the status keeps its words, no write for it
        await().during(Duration.ofSeconds(2))
                .atMost(WAIT)
                .until(
                        () -> job("too-big").getStatus().message,
                        m -> m.equals("attempt 1 waits for its pods to be scheduled"));
        clock.advance(Duration.ofMinutes(6));
        writeStatus(pod.getMetadata().getName(), p -> {
            p.getStatus().setMessage("still pending");
            return p;
        });
        TrainingJobStatus status = awaitStatus(
                "too-big", "Unschedulable", s -> Conditions.isTrue(s.conditions, TrainingJobStatus.UNSCHEDULABLE));
        assertThat(Conditions.find(status.conditions, TrainingJobStatus.UNSCHEDULABLE).message)
                .contains("4 Insufficient nvidia.com/gpu");
        assertThat(status.phase).as("the job keeps waiting for capacity").isEqualTo(TrainingPhase.Pending);
    }

    @Test
    void metricsAreReadIncrementallyFromTheRank0TrainerLog() {
        create("metered", """
                image: registry.example/train:1
                resources: {instanceCount: 2}
                metrics:
                  - {name: "validation:accuracy", regex: "val_acc=([0-9.]+)"}
                  - {name: "train:loss", regex: "loss=([0-9.]+)"}
                """);
        String attempt = attemptName("metered", 1);
        List<Pod> pods = awaitPods(attempt, 2);
        String rank0 = attempt + "-0";
        String logPath =
                "/api/v1/namespaces/ml/pods/" + rank0 + "/log?container=trainer&timestamps=true&limitBytes=4194304";
        server.expect().get().withPath(logPath).andReturn(200, """
                2026-11-21T10:00:01.000000100Z epoch 1 loss=0.90 val_acc=0.51
                2026-11-21T10:00:02.500000000Z epoch 2 loss=0.70 val_acc=0.64
                """).once();
        // The next read starts at the last line's second, so the API repeats that line: it must not count twice.
        server.expect()
                .get()
                .withPath(logPath + "&sinceTime=2026-11-21T10%3A00%3A02Z")
                .andReturn(200, """
                2026-11-21T10:00:02.500000000Z epoch 2 loss=0.70 val_acc=0.64
                2026-11-21T10:00:03.250000000Z epoch 3 loss=0.55 val_acc=0.71
                2026-11-21T10:00:03.750000000Z checkpoint saved
                """)
                .always();
        runAll(pods);

        TrainingJobStatus status = awaitStatus(
                "metered",
                "three values",
                s -> s.metricHistory != null
                        && s.metricHistory.stream().anyMatch(m -> m.name.equals("train:loss") && m.points.size() == 3));
        assertThat(status.metrics).containsEntry("validation:accuracy", 0.71).containsEntry("train:loss", 0.55);
        var accuracy = status.metricHistory.stream()
                .filter(m -> m.name.equals("validation:accuracy"))
                .findFirst()
                .orElseThrow();
        assertThat(accuracy.points).extracting(p -> p.step).containsExactly(1L, 2L, 3L);
        assertThat(accuracy.points).extracting(p -> p.value).containsExactly(0.51, 0.64, 0.71);
        assertThat(accuracy.points.get(2).timestamp).isEqualTo("2026-11-21T10:00:03.250000000Z");
        exit(pods.get(1).getMetadata().getName(), 0, null);
        exit(rank0, 0, null);
        TrainingJobStatus done = awaitStatus("metered", "Completed", s -> s.phase == TrainingPhase.Completed);
        assertThat(done.metrics).containsEntry("validation:accuracy", 0.71);
    }

    @Test
    void jobMetricsReachPrometheus() {
        create("counted", "image: registry.example/train:1\nresources: {gpusPerInstance: 2}");
        Pod pod = awaitPods(attemptName("counted", 1), 1).get(0);
        runAll(List.of(pod));
        exit(pod.getMetadata().getName(), 0, null);
        awaitStatus("counted", "Completed", s -> s.phase == TrainingPhase.Completed);
        await().atMost(WAIT).untilAsserted(() -> {
            String metrics = io.restassured.RestAssured.given()
                    .get("/q/metrics")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(value(metrics, "mlforge_trainingjobs{backend=\"Kubernetes\",phase=\"Completed\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(metrics, "mlforge_training_attempts_total{backend=\"Kubernetes\",cause=\"Created\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(value(metrics, "mlforge_training_gpu_seconds_total{backend=\"Kubernetes\"}"))
                    .isGreaterThan(0);
            assertThat(
                            value(
                                    metrics,
                                    "mlforge_training_job_duration_seconds_count{backend=\"Kubernetes\",outcome=\"Completed\"}"))
                    .isGreaterThanOrEqualTo(1);
            // Operator SDK series are per controller, never per job (bounded cardinality).
            assertThat(metrics).contains("operator_sdk_").doesNotContain("name=\"counted\"");
        });
    }

    private static double value(String metrics, String series) {
        return metrics.lines()
                .filter(l -> l.startsWith(series + " "))
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no series " + series));
    }
}
