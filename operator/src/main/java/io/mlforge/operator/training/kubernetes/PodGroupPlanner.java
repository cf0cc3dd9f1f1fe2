package io.mlforge.operator.training.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.mlforge.agent.AgentPlan;
import io.mlforge.api.v1alpha1.Channel;
import io.mlforge.api.v1alpha1.OutputConfig;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TrainingKubernetesSettings;
import io.mlforge.operator.core.ClusterSettings;
import io.mlforge.operator.core.PodSecurity;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.dataagent.DataAgent;
import io.mlforge.operator.dataagent.DataAgentSettings;
import io.mlforge.operator.training.TrainingSettings;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans the objects of one attempt of an in-cluster TrainingJob. Pure: spec, attempt number and settings in,
 * desired objects out; unit-tested without a server.
 *
 * <p>Each pod: an init container that prepares /opt/ml (config files, S3 channels, restored checkpoints), the
 * trainer with SageMaker's environment and the variables torchrun expects, and (when there is anything to upload)
 * a native sidecar that syncs checkpoints and, after the trainer exits, uploads the model. Pods never restart:
 * the operator replaces a failed attempt as a whole.
 */
public final class PodGroupPlanner {
    static final String ML_VOLUME = "ml";
    static final String SHM_VOLUME = "dshm";
    static final String CHECKPOINT_VOLUME = "checkpoints";

    private final TrainingSettings settings;
    private final DataAgentSettings dataAgent;
    private final ClusterSettings cluster;

    public PodGroupPlanner(TrainingSettings settings, DataAgentSettings dataAgent, ClusterSettings cluster) {
        this.settings = settings;
        this.dataAgent = dataAgent;
        this.cluster = cluster;
    }

    public PlannedAttempt plan(TrainingJob job, int attempt) {
        String name = ResourceNames.attemptName(
                job.getMetadata().getName(), job.getMetadata().getUid(), attempt);
        TrainingJobSpec spec = job.getSpec();
        int instances =
                spec.resources == null || spec.resources.instanceCount == null ? 1 : spec.resources.instanceCount;
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i <= instances; i++) {
            hosts.add("algo-" + i);
        }
        List<Pod> pods = new ArrayList<>();
        for (int index = 0; index < instances; index++) {
            pods.add(pod(job, name, hosts, index));
        }
        return new PlannedAttempt(name, instances > 1 ? service(job, name) : null, pods);
    }

    /** Labels that select all pods of an attempt. */
    public static Map<String, String> attemptSelector(String attemptName) {
        return Map.of(TrainingLabels.ATTEMPT, attemptName);
    }

    static OwnerReference ownerReference(TrainingJob job) {
        return new OwnerReferenceBuilder()
                .withApiVersion(job.getApiVersion())
                .withKind(job.getKind())
                .withName(job.getMetadata().getName())
                .withUid(job.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private static Map<String, String> labels(TrainingJob job, String attemptName) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(TrainingLabels.MANAGED_BY, TrainingLabels.MANAGED_BY_VALUE);
        labels.put(
                TrainingLabels.JOB_NAME,
                ResourceNames.labelValue(job.getMetadata().getName()));
        labels.put(TrainingLabels.JOB_UID, job.getMetadata().getUid());
        labels.put(TrainingLabels.ATTEMPT, attemptName);
        return labels;
    }

    private Service service(TrainingJob job, String name) {
        int port = rendezvousPort(job.getSpec());
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(job.getMetadata().getNamespace())
                .withLabels(labels(job, name))
                .withOwnerReferences(ownerReference(job))
                .endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                // Peers must resolve each other while they start, before any is ready.
                .withPublishNotReadyAddresses(true)
                .withSelector(attemptSelector(name))
                .addNewPort()
                .withName("rendezvous")
                .withPort(port)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    private static int rendezvousPort(TrainingJobSpec spec) {
        return spec.kubernetes != null && spec.kubernetes.rendezvousPort != null
                ? spec.kubernetes.rendezvousPort
                : 29500;
    }

    private Pod pod(TrainingJob job, String attemptName, List<String> hosts, int index) {
        TrainingJobSpec spec = job.getSpec();
        TrainingKubernetesSettings k8s = spec.kubernetes == null ? new TrainingKubernetesSettings() : spec.kubernetes;
        String namespace = job.getMetadata().getNamespace();
        String host = hosts.get(index);
        int gpus =
                spec.resources == null || spec.resources.gpusPerInstance == null ? 0 : spec.resources.gpusPerInstance;
        AgentPlan plan = agentPlan(job, attemptName, hosts, host);

        Map<String, String> labels = new LinkedHashMap<>();
        if (k8s.podLabels != null) {
            labels.putAll(k8s.podLabels);
        }
        labels.putAll(labels(job, attemptName));
        labels.put(TrainingLabels.REPLICA_INDEX, Integer.toString(index));
        Map<String, String> annotations = new LinkedHashMap<>();
        if (k8s.podAnnotations != null) {
            annotations.putAll(k8s.podAnnotations);
        }
        if (k8s.queueName != null) {
            // Kueue plain-pod groups: all pods of the attempt are admitted together or not at all.
            labels.put(TrainingLabels.KUEUE_QUEUE, k8s.queueName);
            labels.put(TrainingLabels.KUEUE_POD_GROUP, attemptName);
            annotations.put(TrainingLabels.KUEUE_POD_GROUP_TOTAL, Integer.toString(hosts.size()));
            annotations.put(TrainingLabels.KUEUE_RETRIABLE_IN_GROUP, "false");
        }

        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mlMounts = new ArrayList<>();
        volumes.add(new VolumeBuilder()
                .withName(ML_VOLUME)
                .withNewEmptyDir()
                .withSizeLimit(new Quantity(volumeSizeGb(spec) + "Gi"))
                .endEmptyDir()
                .build());
        mlMounts.add(mount(ML_VOLUME, SageMakerEnvironment.ML, null, false));
        String checkpointPath = checkpointPath(spec);
        boolean claimCheckpoints = spec.checkpoints != null && spec.checkpoints.uri.startsWith("pvc://");
        if (checkpointPath != null && !claimCheckpoints && !checkpointPath.startsWith(SageMakerEnvironment.ML + "/")) {
            volumes.add(new VolumeBuilder()
                    .withName(CHECKPOINT_VOLUME)
                    .withNewEmptyDir()
                    .endEmptyDir()
                    .build());
            mlMounts.add(mount(CHECKPOINT_VOLUME, checkpointPath, null, false));
        }
        List<VolumeMount> trainerMounts = new ArrayList<>(mlMounts);
        addClaimMounts(spec, attemptName, volumes, trainerMounts, mlMounts);
        volumes.add(new VolumeBuilder()
                .withName(SHM_VOLUME)
                .withNewEmptyDir()
                .withMedium("Memory")
                .withSizeLimit(shmSize(k8s))
                .endEmptyDir()
                .build());
        trainerMounts.add(mount(SHM_VOLUME, "/dev/shm", null, false));

        PodSecurityContext podSecurity = PodSecurity.pod(k8s.podSecurityContext);
        List<Container> initContainers = new ArrayList<>();
        initContainers.add(agentContainer(TrainingLabels.PREPARE, "prepare", plan, mlMounts, null, podSecurity));
        if (needsSidecar(spec, index)) {
            initContainers.add(
                    agentContainer(TrainingLabels.SIDECAR, "sidecar", plan, mlMounts, "Always", podSecurity));
        }

        Container trainer = new ContainerBuilder()
                .withName(TrainingLabels.TRAINER)
                .withImage(spec.image)
                .withCommand(spec.command)
                .withArgs(spec.args)
                .withEnv(trainerEnv(job, plan, gpus, hosts.size(), index, attemptName))
                .withResources(resources(k8s, gpus))
                .withVolumeMounts(trainerMounts)
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withSecurityContext(PodSecurity.container(k8s.securityContext))
                .addNewPort()
                .withName("rendezvous")
                .withContainerPort(rendezvousPort(spec))
                .endPort()
                .build();

        return new PodBuilder()
                .withNewMetadata()
                .withName(attemptName + "-" + index)
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(ownerReference(job))
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withHostname(host)
                .withSubdomain(attemptName)
                // SageMaker code connects to peers by bare host name (algo-2): search the attempt's service domain.
                .withNewDnsConfig()
                .withSearches(attemptName + "." + namespace + ".svc." + settings.clusterDomain())
                .endDnsConfig()
                .withServiceAccountName(k8s.serviceAccountName)
                .withPriorityClassName(k8s.priorityClassName)
                .withNodeSelector(nodeSelector(spec, k8s))
                .withTolerations(k8s.tolerations == null ? List.<Toleration>of() : k8s.tolerations)
                .withAffinity(k8s.affinity)
                .withImagePullSecrets(k8s.imagePullSecrets)
                .withTerminationGracePeriodSeconds(settings.terminationGracePeriodSeconds())
                .withSecurityContext(podSecurity)
                .withInitContainers(initContainers)
                .withContainers(trainer)
                .withVolumes(volumes)
                .endSpec()
                .build();
    }

    /** The sidecar runs where there is something to upload: checkpoints on every host, the model on algo-1. */
    private static boolean needsSidecar(TrainingJobSpec spec, int index) {
        boolean s3Checkpoints = spec.checkpoints != null && spec.checkpoints.uri.startsWith("s3://");
        boolean s3Model = index == 0 && spec.output != null && spec.output.uri.startsWith("s3://");
        return s3Checkpoints || s3Model;
    }

    private Container agentContainer(
            String name,
            String mode,
            AgentPlan plan,
            List<VolumeMount> mounts,
            String restartPolicy,
            PodSecurityContext podSecurity) {
        List<EnvVar> env = new ArrayList<>();
        env.add(env(AgentPlan.ENV, plan.toJson()));
        env.addAll(DataAgent.storageEnvironment(dataAgent.s3Endpoint(), dataAgent.s3PathStyle()));
        return new ContainerBuilder()
                .withName(name)
                .withImage(dataAgent.image())
                .withCommand(DataAgent.COMMAND)
                .withArgs(mode)
                .withEnv(env)
                .withRestartPolicy(restartPolicy)
                .withVolumeMounts(mounts)
                .withResources(DataAgent.resources())
                .withTerminationMessagePolicy("File")
                .withSecurityContext(DataAgent.securityContext(podSecurity))
                .build();
    }

    AgentPlan agentPlan(TrainingJob job, String attemptName, List<String> hosts, String host) {
        TrainingJobSpec spec = job.getSpec();
        List<AgentPlan.ChannelPlan> channels = new ArrayList<>();
        if (spec.inputs != null) {
            for (Channel c : spec.inputs) {
                channels.add(new AgentPlan.ChannelPlan(
                        c.name,
                        c.uri,
                        c.contentType,
                        name(c.distribution),
                        name(c.s3DataType),
                        name(c.compression),
                        name(c.recordWrapper),
                        c.inputMode == null ? name(spec.inputMode) : c.inputMode.name()));
            }
        }
        AgentPlan.CheckpointPlan checkpoints = spec.checkpoints == null
                ? null
                : new AgentPlan.CheckpointPlan(spec.checkpoints.uri, checkpointPath(spec));
        AgentPlan.OutputPlan output = spec.output == null || !spec.output.uri.startsWith("s3://")
                ? null
                : new AgentPlan.OutputPlan(
                        modelArtifactsUri(spec.output, attemptName),
                        spec.output.compression != OutputConfig.Compression.None);
        Map<String, String> hyperParameters =
                spec.hyperParameters == null ? Map.of() : new LinkedHashMap<>(spec.hyperParameters);
        String instanceType = spec.resources == null ? null : spec.resources.instanceType;
        return new AgentPlan(
                attemptName,
                host,
                hosts,
                instanceType,
                hyperParameters,
                channels,
                checkpoints,
                output,
                SageMakerEnvironment.ML,
                settings.checkpointSyncIntervalSeconds());
    }

    /**
     * Where an attempt's model lands, as SageMaker names it: {@code <output>/<attempt>/output/model.tar.gz}, or the
     * directory itself without compression; on a claim, the model directory is mounted there directly.
     */
    public static String modelArtifactsUri(OutputConfig output, String attemptName) {
        String base = output.uri.endsWith("/") ? output.uri : output.uri + "/";
        if (output.uri.startsWith("pvc://")) {
            return base + attemptName + "/model/";
        }
        return output.compression == OutputConfig.Compression.None
                ? base + attemptName + "/output/model/"
                : base + attemptName + "/output/model.tar.gz";
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }

    private static String checkpointPath(TrainingJobSpec spec) {
        if (spec.checkpoints == null) {
            return null;
        }
        return spec.checkpoints.localPath == null ? "/opt/ml/checkpoints" : spec.checkpoints.localPath;
    }

    private static int volumeSizeGb(TrainingJobSpec spec) {
        return spec.resources == null || spec.resources.volumeSizeGB == null ? 30 : spec.resources.volumeSizeGB;
    }

    /**
     * pvc:// locations are mounted where the data would otherwise be copied: channels read-only at
     * /opt/ml/input/data/&lt;channel&gt;, checkpoints at their local path, the model directory of the attempt.
     */
    private static void addClaimMounts(
            TrainingJobSpec spec,
            String attemptName,
            List<Volume> volumes,
            List<VolumeMount> trainerMounts,
            List<VolumeMount> agentMounts) {
        Map<String, String> volumeByClaim = new LinkedHashMap<>();
        if (spec.inputs != null) {
            for (Channel c : spec.inputs) {
                if (c.uri.startsWith("pvc://")) {
                    DataAgent.ClaimPath claim = DataAgent.ClaimPath.parse(c.uri);
                    String volume = claimVolume(volumeByClaim, volumes, claim.claim());
                    trainerMounts.add(
                            mount(volume, SageMakerEnvironment.ML + "/input/data/" + c.name, claim.path(), true));
                }
            }
        }
        if (spec.checkpoints != null && spec.checkpoints.uri.startsWith("pvc://")) {
            DataAgent.ClaimPath claim = DataAgent.ClaimPath.parse(spec.checkpoints.uri);
            VolumeMount m = mount(
                    claimVolume(volumeByClaim, volumes, claim.claim()), checkpointPath(spec), claim.path(), false);
            trainerMounts.add(m);
            agentMounts.add(m);
        }
        if (spec.output != null && spec.output.uri.startsWith("pvc://")) {
            DataAgent.ClaimPath claim = DataAgent.ClaimPath.parse(spec.output.uri);
            String subPath = (claim.path().isEmpty() ? "" : claim.path() + "/") + attemptName + "/model";
            trainerMounts.add(mount(
                    claimVolume(volumeByClaim, volumes, claim.claim()),
                    SageMakerEnvironment.ML + "/model",
                    subPath,
                    false));
        }
    }

    private static String claimVolume(Map<String, String> volumeByClaim, List<Volume> volumes, String claim) {
        return volumeByClaim.computeIfAbsent(claim, c -> {
            String name = "claim-" + volumeByClaim.size();
            volumes.add(new VolumeBuilder()
                    .withName(name)
                    .withNewPersistentVolumeClaim()
                    .withClaimName(c)
                    .endPersistentVolumeClaim()
                    .build());
            return name;
        });
    }

    private static VolumeMount mount(String volume, String path, String subPath, boolean readOnly) {
        return new VolumeMountBuilder()
                .withName(volume)
                .withMountPath(path)
                .withSubPath(subPath == null || subPath.isEmpty() ? null : subPath)
                .withReadOnly(readOnly ? Boolean.TRUE : null)
                .build();
    }

    private Quantity shmSize(TrainingKubernetesSettings k8s) {
        if (k8s.shmSize != null) {
            return k8s.shmSize;
        }
        Quantity memoryLimit = k8s.resources == null || k8s.resources.getLimits() == null
                ? null
                : k8s.resources.getLimits().get("memory");
        if (memoryLimit != null) {
            BigDecimal half = memoryLimit.getNumericalAmount().divide(BigDecimal.valueOf(2));
            return new Quantity(half.toBigInteger().toString());
        }
        return new Quantity(settings.defaultShmSize());
    }

    private ResourceRequirements resources(TrainingKubernetesSettings k8s, int gpus) {
        ResourceRequirementsBuilder builder = k8s.resources == null
                ? new ResourceRequirementsBuilder()
                : new ResourceRequirementsBuilder(k8s.resources);
        if (gpus > 0) {
            String gpuName = Optional.ofNullable(k8s.gpuResourceName).orElse(cluster.gpuResourceName());
            builder.addToLimits(gpuName, new Quantity(Integer.toString(gpus)));
            builder.addToRequests(gpuName, new Quantity(Integer.toString(gpus)));
        }
        return builder.build();
    }

    private Map<String, String> nodeSelector(TrainingJobSpec spec, TrainingKubernetesSettings k8s) {
        Map<String, String> selector = new LinkedHashMap<>();
        if (k8s.nodeSelector != null) {
            selector.putAll(k8s.nodeSelector);
        }
        String instanceType = spec.resources == null ? null : spec.resources.instanceType;
        if (instanceType != null) {
            String value = settings.instanceTypes()
                    .getOrDefault(
                            instanceType, instanceType.startsWith("ml.") ? instanceType.substring(3) : instanceType);
            selector.putIfAbsent(settings.instanceTypeLabel(), value);
        }
        if (spec.spot != null && Boolean.TRUE.equals(spec.spot.enabled)) {
            settings.spotNodeSelector().forEach(selector::putIfAbsent);
        }
        return selector;
    }

    private List<EnvVar> trainerEnv(
            TrainingJob job, AgentPlan plan, int gpus, int instances, int index, String attemptName) {
        TrainingJobSpec spec = job.getSpec();
        Map<String, EnvVar> env = new LinkedHashMap<>();
        SageMakerEnvironment.of(plan, gpus, spec.args == null ? List.of() : spec.args)
                .forEach((name, value) -> env.put(name, env(name, value)));
        String masterAddr =
                "algo-1." + attemptName + "." + job.getMetadata().getNamespace() + ".svc." + settings.clusterDomain();
        String port = Integer.toString(rendezvousPort(spec));
        String processesPerNode = Integer.toString(Math.max(1, gpus));
        Map<String, String> distributed = new LinkedHashMap<>();
        distributed.put("MASTER_ADDR", masterAddr);
        distributed.put("MASTER_PORT", port);
        distributed.put("WORLD_SIZE", Integer.toString(instances));
        distributed.put("RANK", Integer.toString(index));
        distributed.put("NODE_RANK", Integer.toString(index));
        distributed.put("NPROC_PER_NODE", processesPerNode);
        distributed.put("PET_MASTER_ADDR", masterAddr);
        distributed.put("PET_MASTER_PORT", port);
        distributed.put("PET_NNODES", Integer.toString(instances));
        distributed.put("PET_NODE_RANK", Integer.toString(index));
        distributed.put("PET_NPROC_PER_NODE", processesPerNode);
        distributed.forEach((name, value) -> env.put(name, env(name, value)));
        // The user's own variables win over ours: first the portable map, then kubernetes.env (valueFrom allowed).
        if (spec.environment != null) {
            spec.environment.forEach((name, value) -> env.put(name, env(name, value)));
        }
        if (spec.kubernetes != null && spec.kubernetes.env != null) {
            spec.kubernetes.env.forEach(e -> env.put(e.getName(), e));
        }
        return new ArrayList<>(env.values());
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }
}
