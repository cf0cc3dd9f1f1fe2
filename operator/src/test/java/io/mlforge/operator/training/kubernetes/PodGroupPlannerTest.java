package io.mlforge.operator.training.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.mlforge.agent.AgentPlan;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.training.TestTrainingSettings;
import io.mlforge.operator.training.TrainingJobs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodGroupPlannerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PodGroupPlanner planner = TestTrainingSettings.defaults().planner();

    private static final String DISTRIBUTED = """
            image: registry.example/train:1
            command: [torchrun, train.py]
            args: [--fp16]
            hyperParameters: {epochs: "3", learning-rate: "0.1"}
            resources: {instanceType: ml.p4d.24xlarge, instanceCount: 2, gpusPerInstance: 8, volumeSizeGB: 200}
            inputs:
              - {name: train, uri: "s3://bucket/train/", contentType: text/csv, distribution: ShardedByS3Key}
              - {name: val, uri: "pvc://datasets/imagenet/val"}
            output: {uri: "s3://bucket/models/"}
            checkpoints: {uri: "s3://bucket/ckpt/"}
            environment: {NCCL_DEBUG: INFO, SM_LOG_LEVEL: "10"}
            kubernetes:
              queueName: gpu-queue
              serviceAccountName: trainer
              priorityClassName: high
              nodeSelector: {pool: gpu}
              tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
              imagePullSecrets: [{name: regcred}]
              podLabels: {team: vision}
              rendezvousPort: 23456
              env: [{name: HF_TOKEN, valueFrom: {secretKeyRef: {name: hf, key: token}}}]
              resources: {limits: {memory: 64Gi, cpu: "16"}}
            """;

    private static Map<String, String> env(Container c) {
        return c.getEnv().stream()
                .collect(Collectors.toMap(
                        EnvVar::getName,
                        e -> e.getValue() == null ? "<valueFrom>" : e.getValue(),
                        (a, b) -> b,
                        LinkedHashMap::new));
    }

    private static Container container(Pod pod, String name) {
        return Stream.concat(pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
                .filter(c -> c.getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static Map<String, VolumeMount> mounts(Container c) {
        return c.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getMountPath, m -> m));
    }

    private static Map<String, Volume> volumes(Pod pod) {
        return pod.getSpec().getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
    }

    @Test
    void namesAreDeterministicAndFitKubernetesAndSageMakerLimits() {
        TrainingJob job = TrainingJobs.fromSpec("resnet-finetune", "image: x");
        PlannedAttempt first = planner.plan(job, 1);
        assertThat(first.name())
                .isEqualTo("resnet-finetune-"
                        + ResourceNames.shortHash(job.getMetadata().getUid()) + "-1");
        assertThat(planner.plan(job, 1).name()).isEqualTo(first.name());
        assertThat(planner.plan(job, 2).name()).endsWith("-2");
        assertThat(first.pods()).extracting(p -> p.getMetadata().getName()).containsExactly(first.name() + "-0");
        assertThat(first.service())
                .as("one pod needs no Service to find its peers")
                .isNull();
        PlannedAttempt two = planner.plan(TrainingJobs.fromSpec("ddp", "image: x\nresources: {instanceCount: 2}"), 1);
        assertThat(two.service().getMetadata().getName()).isEqualTo(two.name());

        String longName = "a".repeat(200) + ".with.dots";
        PlannedAttempt longOne = planner.plan(TrainingJobs.fromSpec(longName, "image: x"), 27);
        assertThat(longOne.name())
                .hasSizeLessThanOrEqualTo(52)
                .matches("^[a-z]([-a-z0-9]*[a-z0-9])?$")
                .endsWith("-27");
        assertThat(longOne.pods().get(0).getMetadata().getName()).hasSizeLessThanOrEqualTo(63);
        assertThat(planner.plan(TrainingJobs.fromSpec("7up.model", "image: x"), 1)
                        .name())
                .startsWith("x7up-model-");
    }

    @Test
    void distributedPodsGetRendezvousRanksAndHosts() {
        PlannedAttempt attempt = planner.plan(TrainingJobs.fromSpec("llm", DISTRIBUTED), 3);
        assertThat(attempt.pods()).hasSize(2);
        String master = "algo-1." + attempt.name() + ".ml.svc.cluster.local";
        for (int index = 0; index < 2; index++) {
            Pod pod = attempt.pods().get(index);
            Map<String, String> env = env(container(pod, "trainer"));
            assertThat(env)
                    .containsEntry("MASTER_ADDR", master)
                    .containsEntry("MASTER_PORT", "23456")
                    .containsEntry("WORLD_SIZE", "2")
                    .containsEntry("RANK", Integer.toString(index))
                    .containsEntry("NODE_RANK", Integer.toString(index))
                    .containsEntry("NPROC_PER_NODE", "8")
                    .containsEntry("PET_NNODES", "2")
                    .containsEntry("PET_NPROC_PER_NODE", "8")
                    .containsEntry("PET_NODE_RANK", Integer.toString(index))
                    .containsEntry("PET_MASTER_ADDR", master)
                    .containsEntry("PET_MASTER_PORT", "23456");
            assertThat(pod.getSpec().getHostname()).isEqualTo("algo-" + (index + 1));
            assertThat(pod.getSpec().getSubdomain()).isEqualTo(attempt.name());
            assertThat(pod.getSpec().getDnsConfig().getSearches())
                    .containsExactly(attempt.name() + ".ml.svc.cluster.local");
            assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
            assertThat(pod.getMetadata().getLabels())
                    .containsEntry(TrainingLabels.REPLICA_INDEX, Integer.toString(index))
                    .containsEntry(TrainingLabels.ATTEMPT, attempt.name());
        }
        var service = attempt.service();
        assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(service.getSpec().getSelector()).containsExactly(Map.entry(TrainingLabels.ATTEMPT, attempt.name()));
        assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(23456);
    }

    @Test
    void sageMakerEnvironmentMatchesTheContract() throws Exception {
        PlannedAttempt attempt = planner.plan(TrainingJobs.fromSpec("llm", DISTRIBUTED), 1);
        Map<String, String> env = env(container(attempt.pods().get(1), "trainer"));
        assertThat(env)
                .containsEntry("TRAINING_JOB_NAME", attempt.name())
                .containsEntry("SM_CURRENT_HOST", "algo-2")
                .containsEntry("SM_HOSTS", "[\"algo-1\",\"algo-2\"]")
                .containsEntry("SM_NUM_GPUS", "8")
                .containsEntry("SM_CURRENT_INSTANCE_TYPE", "ml.p4d.24xlarge")
                .containsEntry("SM_HPS", "{\"epochs\":\"3\",\"learning-rate\":\"0.1\"}")
                .containsEntry("SM_HP_EPOCHS", "3")
                .containsEntry("SM_HP_LEARNING-RATE", "0.1")
                .containsEntry("SM_CHANNELS", "[\"train\",\"val\"]")
                .containsEntry("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train")
                .containsEntry("SM_CHANNEL_VAL", "/opt/ml/input/data/val")
                .containsEntry("SM_MODEL_DIR", "/opt/ml/model")
                .containsEntry("SM_OUTPUT_DATA_DIR", "/opt/ml/output/data")
                .containsEntry("SM_INPUT_CONFIG_DIR", "/opt/ml/input/config")
                .containsEntry("SM_USER_ARGS", "[\"--fp16\"]")
                .containsEntry("NCCL_DEBUG", "INFO")
                .containsEntry("HF_TOKEN", "<valueFrom>")
                // the user's environment wins over ours
                .containsEntry("SM_LOG_LEVEL", "10");
        JsonNode resourceConfig = JSON.readTree(env.get("SM_RESOURCE_CONFIG"));
        assertThat(resourceConfig.path("current_host").asText()).isEqualTo("algo-2");
        JsonNode inputConfig = JSON.readTree(env.get("SM_INPUT_DATA_CONFIG"));
        assertThat(inputConfig.at("/train/S3DistributionType").asText()).isEqualTo("ShardedByS3Key");
        JsonNode trainingEnv = JSON.readTree(env.get("SM_TRAINING_ENV"));
        assertThat(trainingEnv.at("/channel_input_dirs/train").asText()).isEqualTo("/opt/ml/input/data/train");
        assertThat(trainingEnv.path("num_gpus").asInt()).isEqualTo(8);
    }

    @Test
    void podsMeetTheRestrictedPodSecurityStandardUnlessTheUserAsksForRoot() {
        Pod pod = planner.plan(TrainingJobs.fromSpec("llm", DISTRIBUTED), 1)
                .pods()
                .get(0);
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        Container trainer = container(pod, "trainer");
        assertThat(trainer.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(trainer.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getSpec().getVolumes())
                .allSatisfy(v -> assertThat(v.getHostPath()).isNull());

        Pod root = planner.plan(TrainingJobs.fromSpec("root", """
                                image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime
                                kubernetes:
                                  podSecurityContext: {runAsUser: 0}
                                """), 1).pods().get(0);
        assertThat(root.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(0L);
        assertThat(root.getSpec().getSecurityContext().getRunAsNonRoot()).isNull();
        // the data agent still never runs as root: as the operator image's own user
        Container prepare = container(root, TrainingLabels.PREPARE);
        assertThat(prepare.getSecurityContext().getRunAsUser()).isEqualTo(185L);
        assertThat(prepare.getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    @Test
    void dataAgentPlanDescribesChannelsCheckpointsAndModel() {
        PlannedAttempt attempt = planner.plan(TrainingJobs.fromSpec("llm", DISTRIBUTED), 2);
        Container prepare = container(attempt.pods().get(0), TrainingLabels.PREPARE);
        assertThat(prepare.getImage()).isEqualTo("registry.example/mlforge-operator:0.1.0");
        assertThat(prepare.getCommand()).endsWith("io.mlforge.agent.DataAgent");
        assertThat(prepare.getArgs()).containsExactly("prepare");
        assertThat(prepare.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(prepare.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(prepare.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(prepare.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        AgentPlan plan = AgentPlan.fromJson(env(prepare).get(AgentPlan.ENV));
        assertThat(plan.jobName()).isEqualTo(attempt.name());
        assertThat(plan.channels()).extracting(AgentPlan.ChannelPlan::name).containsExactly("train", "val");
        assertThat(plan.channels().get(0).sharded()).isTrue();
        assertThat(plan.checkpoints().uri()).isEqualTo("s3://bucket/ckpt/");
        assertThat(plan.checkpoints().localPath()).isEqualTo("/opt/ml/checkpoints");
        assertThat(plan.output().modelUri()).isEqualTo("s3://bucket/models/" + attempt.name() + "/output/model.tar.gz");
        assertThat(plan.output().gzip()).isTrue();
        assertThat(plan.currentHost()).isEqualTo("algo-1");
    }

    @Test
    void volumesGiveTheContractLayoutSharedMemoryAndMountedClaims() {
        PlannedAttempt attempt = planner.plan(TrainingJobs.fromSpec("llm", DISTRIBUTED), 1);
        Pod pod = attempt.pods().get(0);
        Map<String, Volume> volumes = volumes(pod);
        assertThat(volumes.get("ml").getEmptyDir().getSizeLimit().toString()).isEqualTo("200Gi");
        assertThat(volumes.get("dshm").getEmptyDir().getMedium()).isEqualTo("Memory");
        assertThat(volumes.get("dshm").getEmptyDir().getSizeLimit().toString())
                .as("half the memory limit")
                .isEqualTo("34359738368");
        assertThat(volumes.get("claim-0").getPersistentVolumeClaim().getClaimName())
                .isEqualTo("datasets");
        Map<String, VolumeMount> trainer = mounts(container(pod, "trainer"));
        assertThat(trainer.get("/opt/ml").getName()).isEqualTo("ml");
        assertThat(trainer.get("/dev/shm").getName()).isEqualTo("dshm");
        VolumeMount val = trainer.get("/opt/ml/input/data/val");
        assertThat(val.getName()).isEqualTo("claim-0");
        assertThat(val.getSubPath()).isEqualTo("imagenet/val");
        assertThat(val.getReadOnly()).isTrue();
        assertThat(mounts(container(pod, TrainingLabels.PREPARE)))
                .containsKey("/opt/ml")
                .doesNotContainKey("/opt/ml/input/data/val");
    }

    static Stream<Arguments> sidecarCases() {
        return Stream.of(
                Arguments.of("no outputs", "image: x", List.of(false)),
                Arguments.of(
                        "S3 model only: rank 0 uploads",
                        "image: x\nresources: {instanceCount: 2}\noutput: {uri: \"s3://b/m/\"}",
                        List.of(true, false)),
                Arguments.of(
                        "S3 checkpoints: every host syncs",
                        "image: x\nresources: {instanceCount: 2}\ncheckpoints: {uri: \"s3://b/c/\"}",
                        List.of(true, true)),
                Arguments.of(
                        "claims need no upload",
                        "image: x\noutput: {uri: \"pvc://models/out\"}\ncheckpoints: {uri: \"pvc://ckpt/a\"}",
                        List.of(false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sidecarCases")
    void sidecarRunsWhereThereIsSomethingToUpload(String description, String spec, List<Boolean> expected) {
        List<Pod> pods = planner.plan(TrainingJobs.fromSpec("job", spec), 1).pods();
        assertThat(pods)
                .extracting(p -> container(p, TrainingLabels.SIDECAR) != null)
                .containsExactlyElementsOf(expected);
        pods.stream()
                .map(p -> container(p, TrainingLabels.SIDECAR))
                .filter(c -> c != null)
                .forEach(c ->
                        assertThat(c.getRestartPolicy()).as("native sidecar").isEqualTo("Always"));
    }

    @Test
    void claimOutputAndCheckpointsAreMountedDirectly() {
        PlannedAttempt attempt = planner.plan(
                TrainingJobs.fromSpec(
                        "job",
                        "image: x\noutput: {uri: \"pvc://models/exp1\"}\ncheckpoints: {uri: \"pvc://scratch/ckpt\", localPath: /ckpt}"),
                1);
        Map<String, VolumeMount> trainer = mounts(container(attempt.pods().get(0), "trainer"));
        assertThat(trainer.get("/opt/ml/model").getSubPath()).isEqualTo("exp1/" + attempt.name() + "/model");
        assertThat(trainer.get("/ckpt").getSubPath()).isEqualTo("ckpt");
        assertThat(PodGroupPlanner.modelArtifactsUri(
                        TrainingJobs.fromSpec("job", "image: x\noutput: {uri: \"pvc://models/exp1\"}")
                                .getSpec()
                                .output,
                        attempt.name()))
                .isEqualTo("pvc://models/exp1/" + attempt.name() + "/model/");
    }

    static Stream<Arguments> resourceCases() {
        return Stream.of(
                Arguments.of("no GPUs", "image: x", null, null),
                Arguments.of("4 NVIDIA GPUs", "image: x\nresources: {gpusPerInstance: 4}", "nvidia.com/gpu", "4"),
                Arguments.of(
                        "AMD GPUs",
                        "image: x\nresources: {gpusPerInstance: 2}\nkubernetes: {gpuResourceName: amd.com/gpu}",
                        "amd.com/gpu",
                        "2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resourceCases")
    void gpusBecomeExtendedResourceLimitsAndRequests(String description, String spec, String resource, String count) {
        Container trainer = container(
                planner.plan(TrainingJobs.fromSpec("job", spec), 1).pods().get(0), "trainer");
        if (resource == null) {
            assertThat(trainer.getResources().getLimits()).doesNotContainKeys("nvidia.com/gpu", "amd.com/gpu");
        } else {
            assertThat(trainer.getResources().getLimits().get(resource).toString())
                    .isEqualTo(count);
            assertThat(trainer.getResources().getRequests().get(resource).toString())
                    .isEqualTo(count);
        }
    }

    @Test
    void placementPassesThroughWithInstanceTypeAndSpotSelectors() {
        Pod pod = planner.plan(TrainingJobs.fromSpec("llm", DISTRIBUTED), 1)
                .pods()
                .get(0);
        assertThat(pod.getSpec().getNodeSelector())
                .containsEntry("pool", "gpu")
                .containsEntry("node.kubernetes.io/instance-type", "p4d.24xlarge")
                .doesNotContainKey("karpenter.sh/capacity-type");
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("trainer");
        assertThat(pod.getSpec().getPriorityClassName()).isEqualTo("high");
        assertThat(pod.getSpec().getTolerations()).extracting(t -> t.getKey()).containsExactly("nvidia.com/gpu");
        assertThat(pod.getSpec().getImagePullSecrets())
                .extracting(s -> s.getName())
                .containsExactly("regcred");
        assertThat(pod.getMetadata().getLabels()).containsEntry("team", "vision");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("TrainingJob");
            assertThat(o.getController()).isTrue();
        });

        Pod spot = TestTrainingSettings.defaults()
                .withInstanceTypes(Map.of("ml.g5.xlarge", "g5-pool"))
                .planner()
                .plan(
                        TrainingJobs.fromSpec(
                                "s",
                                "image: x\nresources: {instanceType: ml.g5.xlarge}\nspot: {enabled: true, maxWaitSeconds: 90000}"),
                        1)
                .pods()
                .get(0);
        assertThat(spot.getSpec().getNodeSelector())
                .containsEntry("node.kubernetes.io/instance-type", "g5-pool")
                .containsEntry("karpenter.sh/capacity-type", "spot");
    }

    @Test
    void kueueGroupsAllPodsOfAnAttempt() {
        PlannedAttempt attempt = planner.plan(TrainingJobs.fromSpec("llm", DISTRIBUTED), 1);
        for (Pod pod : attempt.pods()) {
            assertThat(pod.getMetadata().getLabels())
                    .containsEntry("kueue.x-k8s.io/queue-name", "gpu-queue")
                    .containsEntry("kueue.x-k8s.io/pod-group-name", attempt.name());
            assertThat(pod.getMetadata().getAnnotations())
                    .containsEntry("kueue.x-k8s.io/pod-group-total-count", "2")
                    .as("an attempt is never repaired in place: Kueue ends the group when its pods end")
                    .containsEntry("kueue.x-k8s.io/retriable-in-group", "false");
        }
        Pod plain = planner.plan(TrainingJobs.fromSpec("single", "image: x"), 1)
                .pods()
                .get(0);
        assertThat(plain.getMetadata().getLabels()).doesNotContainKey("kueue.x-k8s.io/queue-name");
    }

    @Test
    void sharedMemoryDefaultsWithoutAMemoryLimit() {
        Pod pod =
                planner.plan(TrainingJobs.fromSpec("job", "image: x"), 1).pods().get(0);
        assertThat(volumes(pod).get("dshm").getEmptyDir().getSizeLimit().toString())
                .isEqualTo("8Gi");
        Pod explicit = planner.plan(TrainingJobs.fromSpec("job", "image: x\nkubernetes: {shmSize: 32Gi}"), 1)
                .pods()
                .get(0);
        assertThat(volumes(explicit).get("dshm").getEmptyDir().getSizeLimit().toString())
                .isEqualTo("32Gi");
    }

    @Test
    void sandboxS3EndpointReachesTheAgent() {
        Pod pod = new PodGroupPlanner(
                        TestTrainingSettings.defaults(),
                        new TestTrainingSettings.DataAgent(
                                "registry.example/mlforge-operator:0.1.0",
                                java.util.Optional.of("http://s3.sandbox:9000"),
                                true),
                        TestTrainingSettings.CLUSTER)
                .plan(TrainingJobs.fromSpec("job", "image: x"), 1)
                .pods()
                .get(0);
        assertThat(env(container(pod, TrainingLabels.PREPARE)))
                .containsEntry("MLFORGE_S3_ENDPOINT", "http://s3.sandbox:9000")
                .containsEntry("MLFORGE_S3_PATH_STYLE", "true");
    }
}
