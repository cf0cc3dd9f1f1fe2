package io.mlforge.operator.training.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.kubesim.PodStates;
import io.mlforge.operator.training.TestTrainingSettings;
import io.mlforge.operator.training.TrainingJobs;
import io.mlforge.operator.training.kubernetes.AttemptObservation.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class AttemptObserverTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private final AttemptObserver observer = new AttemptObserver(Duration.ofMinutes(5), Duration.ofMinutes(5));

    private static List<Pod> pods(String spec) {
        List<Pod> pods = new ArrayList<>();
        for (Pod p : TestTrainingSettings.defaults()
                .planner()
                .plan(TrainingJobs.fromSpec("job", spec), 1)
                .pods()) {
            p.getMetadata().setCreationTimestamp(T0.toString());
            pods.add(p);
        }
        return pods;
    }

    private static List<Pod> apply(List<Pod> pods, UnaryOperator<Pod> transition) {
        return pods.stream().map(transition).toList();
    }

    private AttemptObservation observe(List<Pod> pods, Instant now) {
        return observer.observe(pods, pods.size(), List.of(), now);
    }

    @Test
    void aWaitingAttemptIsLookedAtAgainAtEachTimedCheckAndNotOnceBothHavePassed() {
        var observer = new AttemptObserver(Duration.ofMinutes(3), Duration.ofMinutes(5));
        assertThat(observer.nextTimedCheck(T0, T0.plusSeconds(10))).isEqualTo(T0.plus(Duration.ofMinutes(3)));
        assertThat(observer.nextTimedCheck(T0, T0.plus(Duration.ofMinutes(3))))
                .as("the unschedulable check is made at 3 min; the stuck-container one is ahead")
                .isEqualTo(T0.plus(Duration.ofMinutes(5)));
        assertThat(observer.nextTimedCheck(T0, T0.plus(Duration.ofMinutes(5))))
                .as("a job waiting longer than both is not looked at every second (ten thousand pending jobs made"
                        + " the operator reconcile 5,000 times a second)")
                .isNull();
    }

    @Test
    void aPodCreatedInTheSecondAfterTheAttemptIsStillReportedUnschedulable() {
        // the attempt started at 10:00:00 (whole seconds); its pod's creationTimestamp says 10:00:01
        List<Pod> pods = apply(pods("image: x"), p -> {
            p.getMetadata().setCreationTimestamp(T0.plusSeconds(1).toString());
            return PodStates.unschedulable(
                    p, "0/4 nodes are available: 4 Insufficient nvidia.com/gpu.", T0.plusSeconds(1));
        });
        Instant from = AttemptObserver.newestCreation(pods, T0);
        assertThat(from).isEqualTo(T0.plusSeconds(1));
        Instant check = observer.nextTimedCheck(from, T0.plusSeconds(2));
        assertThat(observe(pods, check).unschedulable())
                .as("the look at the check time finds the pod old enough")
                .isTrue();
        // counting from the attempt's start, the one look came a second early and nothing looked again
        Instant early = observer.nextTimedCheck(T0, T0.plusSeconds(2));
        assertThat(observe(pods, early).unschedulable()).isFalse();
        assertThat(observer.nextTimedCheck(T0, early)).isNotEqualTo(check);
    }

    private static Pod gatedByKueue(Pod pod) {
        pod.getSpec()
                .setSchedulingGates(List.of(
                        new io.fabric8.kubernetes.api.model.PodSchedulingGate(TrainingLabels.KUEUE_ADMISSION_GATE)));
        return pod;
    }

    @Test
    void podsHeldByKueuesGateAreQueuedAndPendingOnceAdmitted() {
        List<Pod> pods = apply(pods("image: x\nresources: {instanceCount: 2}"), AttemptObserverTest::gatedByKueue);
        assertThat(observe(pods, T0).state()).isEqualTo(State.QUEUED);
        // Kueue removes the gate from each pod in turn: one released pod makes the attempt pending (admitted)
        pods.get(0).getSpec().setSchedulingGates(List.of());
        assertThat(observe(pods, T0).state()).isEqualTo(State.PENDING);
        // another scheduler's gate is not Kueue's queue
        List<Pod> otherGate = apply(pods("image: x"), p -> {
            p.getSpec()
                    .setSchedulingGates(
                            List.of(new io.fabric8.kubernetes.api.model.PodSchedulingGate("example.com/wait")));
            return p;
        });
        assertThat(observe(otherGate, T0).state()).isEqualTo(State.PENDING);
    }

    @Test
    void aPodKueueEvictsFailsTheAttemptAsInfrastructureWithKueuesMessage() {
        List<Pod> running =
                apply(pods("image: x\nresources: {instanceCount: 2}"), p -> PodStates.running(p, "10.0.0.1", T0));
        Pod evicted = running.get(1);
        evicted.getStatus()
                .getConditions()
                .add(new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                        .withType(TrainingLabels.KUEUE_TERMINATION_TARGET)
                        .withStatus("True")
                        .withReason("WorkloadEvicted")
                        .withMessage(
                                "Preempted to accommodate a workload (UID: 1, JobUID: 2) due to prioritization in the"
                                        + " ClusterQueue")
                        .build());
        evicted.getMetadata().setDeletionTimestamp(T0.plusSeconds(1).toString());
        AttemptObservation observed = observe(running, T0.plusSeconds(1));
        assertThat(observed.state()).isEqualTo(State.FAILED);
        assertThat(observed.failure().infrastructure()).isTrue();
        assertThat(observed.failure().retryable()).isTrue();
        assertThat(observed.failure().reason()).isEqualTo("PreemptedByKueue");
        assertThat(observed.failure().message()).contains("Kueue: Preempted to accommodate a workload");

        evicted.getStatus()
                .getConditions()
                .get(evicted.getStatus().getConditions().size() - 1)
                .setMessage("Deactivated by the user");
        assertThat(observe(running, T0.plusSeconds(1)).failure().reason()).isEqualTo("EvictedByKueue");
    }

    @Test
    void newPodsArePendingThenStartingThenRunning() {
        List<Pod> pods = pods("image: x\nresources: {instanceCount: 2}");
        assertThat(observe(pods, T0).state()).isEqualTo(State.PENDING);
        List<Pod> scheduled = apply(pods, p -> PodStates.scheduled(p, "node-1", T0.plusSeconds(1)));
        assertThat(observe(scheduled, T0.plusSeconds(2)).state()).isEqualTo(State.STARTING);
        List<Pod> oneRunning =
                List.of(PodStates.running(scheduled.get(0), "10.0.0.1", T0.plusSeconds(3)), scheduled.get(1));
        assertThat(observe(oneRunning, T0.plusSeconds(4)).state())
                .as("an attempt runs when all its pods run")
                .isEqualTo(State.STARTING);
        List<Pod> running = apply(scheduled, p -> PodStates.running(p, "10.0.0.1", T0.plusSeconds(5)));
        AttemptObservation observation = observe(running, T0.plusSeconds(6));
        assertThat(observation.state()).isEqualTo(State.RUNNING);
        assertThat(observation.trainerStartedAt()).isEqualTo("2026-11-21T10:00:05Z");
    }

    @Test
    void aPendingAttemptShowsStartingOnlyOnceItsPodsHaveBeenScheduledForAMoment() {
        TrainingAttempt pending = new TrainingAttempt();
        pending.phase = TrainingPhase.Pending;
        List<Pod> scheduled =
                apply(pods("image: x\nresources: {instanceCount: 2}"), p -> PodStates.scheduled(p, "node-1", T0));
        AttemptObservation justScheduled = observe(scheduled, T0.plusMillis(300));
        assertThat(justScheduled.scheduledAt()).isEqualTo(T0);
        assertThat(KubernetesTrainingBackend.startingReportedAt(pending, justScheduled))
                .as("a pod that runs within a moment goes from Pending to Running in one status write")
                .isEqualTo(T0.plus(KubernetesTrainingBackend.STARTING_REPORTED_AFTER));

        List<Pod> pulling = List.of(
                PodStates.waiting(scheduled.get(0), "trainer", "ImagePullBackOff", "Back-off pulling image"),
                scheduled.get(1));
        assertThat(KubernetesTrainingBackend.startingReportedAt(pending, observe(pulling, T0.plusMillis(300))))
                .as("a pod with something to say is reported at once")
                .isNull();

        TrainingAttempt starting = new TrainingAttempt();
        starting.phase = TrainingPhase.Starting;
        assertThat(KubernetesTrainingBackend.startingReportedAt(starting, justScheduled))
                .isNull();
    }

    @Test
    void theWaitBeforeStartingRunsFromTheKubeletTakingUpThePodNotFromTheBinding() {
        TrainingAttempt pending = new TrainingAttempt();
        pending.phase = TrainingPhase.Pending;
        List<Pod> bound = apply(pods("image: x\nresources: {instanceCount: 2}"), p -> PodStates.bound(p, "node-1", T0));
        AttemptObservation unacknowledged = observe(bound, T0.plusSeconds(12));
        assertThat(unacknowledged.state()).isEqualTo(State.STARTING);
        assertThat(unacknowledged.acknowledgedAt()).isNull();
        assertThat(KubernetesTrainingBackend.startingReportedAt(pending, unacknowledged))
                .as("bound pods no kubelet has reported on: Starting only after a minute of silence")
                .isEqualTo(T0.plus(KubernetesTrainingBackend.UNACKNOWLEDGED_REPORTED_AFTER));

        List<Pod> takenUp = List.of(
                PodStates.scheduled(bound.get(0), "node-1", T0.plusSeconds(30)),
                PodStates.scheduled(bound.get(1), "node-1", T0.plusSeconds(25)));
        AttemptObservation acknowledged = observe(takenUp, T0.plusSeconds(31));
        assertThat(acknowledged.scheduledAt())
                .as("the scheduler's binding is kept")
                .isEqualTo(T0);
        assertThat(acknowledged.acknowledgedAt())
                .as("the first pod a kubelet took up")
                .isEqualTo(T0.plusSeconds(25));
        assertThat(KubernetesTrainingBackend.startingReportedAt(pending, acknowledged))
                .as("10 s after the kubelet took up the first pod, however late that was")
                .isEqualTo(T0.plusSeconds(25).plus(KubernetesTrainingBackend.STARTING_REPORTED_AFTER));
    }

    @Test
    void successCarriesTheModelTheDataAgentUploaded() {
        List<Pod> pods =
                apply(pods("image: x\noutput: {uri: \"s3://b/models/\"}"), p -> PodStates.running(p, "10.0.0.1", T0));
        List<Pod> done = apply(pods, p -> PodStates.exited(p, "trainer", 0, null, null, T0.plusSeconds(60)));
        AttemptObservation observation = observe(done, T0.plusSeconds(61));
        assertThat(observation.state()).isEqualTo(State.SUCCEEDED);
        assertThat(observation.modelArtifacts())
                .startsWith("s3://b/models/job-")
                .endsWith("-1/output/model.tar.gz");
    }

    @Test
    void failedUploadFailsAnOtherwiseSuccessfulAttempt() {
        List<Pod> done = apply(
                apply(pods("image: x\noutput: {uri: \"s3://b/models/\"}"), p -> PodStates.running(p, "10.0.0.1", T0)),
                p -> PodStates.exited(p, "trainer", 0, null, null, T0.plusSeconds(60)));
        List<Pod> uploadFailed =
                apply(done, p -> PodStates.sidecarFailed(p, TrainingLabels.SIDECAR, "AccessDenied: s3://b/models", T0));
        AttemptObservation observation = observe(uploadFailed, T0.plusSeconds(61));
        assertThat(observation.state()).isEqualTo(State.FAILED);
        assertThat(observation.failure().reason()).isEqualTo("UploadFailed");
        assertThat(observation.failure().message()).contains("AccessDenied: s3://b/models");
        assertThat(observation.failure().retryable()).isFalse();
    }

    @Test
    void oneFailedWorkerFailsTheWholeAttemptWithTheTrainersMessage() {
        List<Pod> running =
                apply(pods("image: x\nresources: {instanceCount: 3}"), p -> PodStates.running(p, "10.0.0.1", T0));
        List<Pod> pods = new ArrayList<>(running);
        pods.set(
                2,
                PodStates.exited(
                        running.get(2),
                        "trainer",
                        3,
                        null,
                        "CUDA error: device-side assert triggered\n",
                        T0.plusSeconds(9)));
        AttemptObservation observation = observe(pods, T0.plusSeconds(10));
        assertThat(observation.state()).isEqualTo(State.FAILED);
        assertThat(observation.failure().reason()).isEqualTo("Error");
        assertThat(observation.failure().exitCode()).isEqualTo(3);
        assertThat(observation.failure().message())
                .isEqualTo("trainer on host algo-3 exited with code 3: CUDA error: device-side assert triggered");
        assertThat(observation.failure().infrastructure()).isFalse();
        assertThat(observation.failure().retryable()).isFalse();
        assertThat(observer.observe(pods, 3, List.of(3), T0.plusSeconds(10))
                        .failure()
                        .retryable())
                .as("retry.onExitCodes makes an application exit retryable")
                .isTrue();
    }

    @Test
    void oomKillIsReportedAsSuch() {
        List<Pod> pods = apply(
                apply(pods("image: x"), p -> PodStates.running(p, "10.0.0.1", T0)),
                p -> PodStates.exited(p, "trainer", 137, "OOMKilled", null, T0.plusSeconds(5)));
        AttemptObservation observation = observe(pods, T0.plusSeconds(6));
        assertThat(observation.failure().reason()).isEqualTo("OOMKilled");
        assertThat(observation.failure().message()).contains("exceeding its memory limit");
    }

    @Test
    void evictionPreemptionNodeLossAndVanishedPodsAreInfrastructure() {
        List<Pod> running =
                apply(pods("image: x\nresources: {instanceCount: 2}"), p -> PodStates.running(p, "10.0.0.1", T0));
        var evicted = observe(
                        List.of(
                                running.get(0),
                                PodStates.evicted(running.get(1), "The node was low on resource: memory.", T0)),
                        T0)
                .failure();
        assertThat(evicted.reason()).isEqualTo("Evicted");
        assertThat(evicted.message()).contains("The node was low on resource: memory.");
        assertThat(evicted.infrastructure()).isTrue();
        assertThat(evicted.retryable()).isTrue();
        assertThat(observe(List.of(PodStates.preempted(running.get(0), "x", T0), running.get(1)), T0)
                        .failure()
                        .reason())
                .isEqualTo("Preempted");
        assertThat(observe(List.of(running.get(0), PodStates.nodeLost(running.get(1), T0)), T0)
                        .failure()
                        .reason())
                .isEqualTo("NodeLost");
        AttemptObservation lost = observer.observe(List.of(running.get(0)), 2, List.of(), T0);
        assertThat(lost.failure().reason()).isEqualTo("PodLost");
        assertThat(lost.failure().message()).contains("algo-2");
        assertThat(lost.failure().retryable()).isTrue();
    }

    @Test
    void kubeletEvictionWithoutDisruptionConditionIsStillAnEviction() {
        Pod running = PodStates.running(pods("image: x").get(0), "10.0.0.1", T0);
        running.getStatus().setPhase("Failed");
        running.getStatus().setReason("Evicted");
        running.getStatus().setMessage("Pod ephemeral local storage usage exceeds the total limit of containers 30Gi.");
        var failure = observe(List.of(running), T0).failure();
        assertThat(failure.reason()).isEqualTo("Evicted");
        assertThat(failure.message()).contains("ephemeral local storage");
    }

    @Test
    void imagePullProblemsWaitThenFail() {
        List<Pod> pods = apply(
                pods("image: registry.example/missing:1"),
                p -> PodStates.waiting(
                        PodStates.scheduled(p, "n", T0),
                        "trainer",
                        "ImagePullBackOff",
                        "Back-off pulling image \"registry.example/missing:1\""));
        AttemptObservation early = observe(pods, T0.plusSeconds(60));
        assertThat(early.state()).isEqualTo(State.STARTING);
        assertThat(early.detail()).startsWith("ImagePullBackOff: Back-off pulling image");
        AttemptObservation late = observe(pods, T0.plus(Duration.ofMinutes(6)));
        assertThat(late.state()).isEqualTo(State.FAILED);
        assertThat(late.failure().reason()).isEqualTo("ImagePullBackOff");
        assertThat(late.failure().message())
                .contains("registry.example/missing:1")
                .contains("more than 5 min");

        List<Pod> invalid = apply(pods("image: x"), p -> PodStates.waiting(p, "trainer", "InvalidImageName", "bad"));
        assertThat(observe(invalid, T0).failure().reason())
                .as("hopeless at once")
                .isEqualTo("InvalidImageName");
        List<Pod> missingSecret = apply(
                pods("image: x"),
                p -> PodStates.waiting(p, "trainer", "CreateContainerConfigError", "secret \"hf\" not found"));
        assertThat(observe(missingSecret, T0.plus(Duration.ofMinutes(10)))
                        .failure()
                        .message())
                .contains("secret \"hf\" not found");
    }

    @Test
    void unschedulablePodsAreFlaggedAfterTheConfiguredTime() {
        List<Pod> pods = apply(
                pods("image: x\nresources: {gpusPerInstance: 16}"),
                p -> PodStates.unschedulable(p, "0/4 nodes are available: 4 Insufficient nvidia.com/gpu.", T0));
        AttemptObservation early = observe(pods, T0.plusSeconds(30));
        assertThat(early.state()).isEqualTo(State.PENDING);
        assertThat(early.unschedulable()).isFalse();
        assertThat(early.detail())
                .as("a scheduling failure younger than unschedulableAfter is churn, not news")
                .isNull();
        AttemptObservation late = observe(pods, T0.plus(Duration.ofMinutes(5)));
        assertThat(late.unschedulable()).isTrue();
        assertThat(late.detail()).contains("Insufficient nvidia.com/gpu");
    }

    @Test
    void dataPreparationFailureNamesTheProblem() {
        List<Pod> pods = apply(
                pods("image: x\ninputs: [{name: train, uri: \"s3://b/none/\"}]"),
                p -> PodStates.initFailed(
                        PodStates.scheduled(p, "n", T0),
                        TrainingLabels.PREPARE,
                        "IOException: channel train: no objects under s3://b/none/",
                        T0.plusSeconds(5)));
        AttemptObservation observation = observe(pods, T0.plusSeconds(6));
        assertThat(observation.failure().reason()).isEqualTo("DataPreparationFailed");
        assertThat(observation.failure().message()).contains("channel train: no objects under s3://b/none/");
        assertThat(observation.failure().retryable()).isFalse();
    }
}
