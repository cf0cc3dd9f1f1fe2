package io.mlforge.sandbox.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.operator.core.ClusterSettings;
import io.mlforge.operator.dataagent.DataAgentSettings;
import io.mlforge.operator.training.TrainingSettings;
import io.mlforge.operator.training.kubernetes.PodGroupPlanner;
import io.mlforge.sandbox.Sandbox;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The pods the operator creates for a TrainingJob, planned by the operator's own {@link PodGroupPlanner} with the
 * settings the sandbox's operator process runs with (its defaults and the environment {@link Sandbox} gives it).
 * The floor and the Job controller phases of the benchmarks create these, so that they run the same pods as the
 * operator (SageMaker's environment, the data agent's init container, volumes: about 4 kB of JSON) and not a small
 * stand-in, which costs the API server less to create, to patch the status of and to send to every watcher.
 */
final class OperatorPods {
    private final KubernetesSerialization serialization;
    private final PodGroupPlanner planner;
    /** The benchmark's TrainingJob as the API server stores it (schema defaults applied), from a dry run. */
    private final TrainingJob stored;

    private OperatorPods(KubernetesSerialization serialization, PodGroupPlanner planner, TrainingJob stored) {
        this.serialization = serialization;
        this.planner = planner;
        this.stored = stored;
    }

    /**
     * Plans with the settings of the operator {@code sandbox} runs (or would run), for TrainingJobs like
     * {@code trainingJobYaml} in namespace default; the API server defaults it in a server-side dry run.
     */
    static OperatorPods of(Sandbox sandbox, String trainingJobYaml) {
        KubernetesClient client = sandbox.client();
        TrainingJob job = client.getKubernetesSerialization().unmarshal(trainingJobYaml, TrainingJob.class);
        TrainingJob stored = client.resources(TrainingJob.class)
                .inNamespace("default")
                .resource(job)
                .dryRun()
                .create();
        return new OperatorPods(
                client.getKubernetesSerialization(), planner(sandbox.operatorProcessEnvironment()), stored);
    }

    /** The operator's planner with the settings an operator process with {@code environment} reads. */
    static PodGroupPlanner planner(Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(environment, 300))
                .withConverter(Duration.class, 200, OperatorPods::duration)
                .withMapping(TrainingSettings.class)
                .withMapping(DataAgentSettings.class)
                .withMapping(ClusterSettings.class)
                .build();
        return new PodGroupPlanner(
                config.getConfigMapping(TrainingSettings.class),
                config.getConfigMapping(DataAgentSettings.class),
                config.getConfigMapping(ClusterSettings.class));
    }

    /** A duration as Quarkus reads one: {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 500ms}, plain seconds, ISO-8601. */
    static Duration duration(String value) {
        String v = value.trim();
        if (v.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        if (v.matches("\\d+ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.startsWith("P") || v.startsWith("p")) {
            return Duration.parse(v);
        }
        if (v.matches("\\d+[dD]")) {
            return Duration.parse("P" + v);
        }
        return Duration.parse("PT" + v);
    }

    /**
     * The pod of the first attempt of a TrainingJob named {@code jobName} (a new uid), without its owner reference: a
     * pod whose owner does not exist is deleted by the garbage collector.
     */
    Pod pod(String jobName) {
        return pod(jobName, Map.of());
    }

    /** {@link #pod(String)} of a TrainingJob whose hyperparameters also have {@code hyperParameters} (a trial's). */
    Pod pod(String jobName, Map<String, String> hyperParameters) {
        TrainingJob job = serialization.clone(stored);
        job.getMetadata().setName(jobName);
        job.getMetadata().setUid(UUID.randomUUID().toString());
        if (!hyperParameters.isEmpty()) {
            Map<String, String> all = new LinkedHashMap<>(job.getSpec().hyperParameters);
            all.putAll(hyperParameters);
            job.getSpec().hyperParameters = all;
        }
        Pod pod = planner.plan(job, 1).pods().get(0);
        pod.getMetadata().setOwnerReferences(null);
        return pod;
    }

    /** The pod the operator should have created for {@code job} (as stored), owner reference included. */
    Pod planned(TrainingJob job) {
        return planner.plan(job, 1).pods().get(0);
    }
}
