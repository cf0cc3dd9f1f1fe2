package io.mlforge.operator.serving;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointSpec;
import io.mlforge.api.v1alpha1.ModelSource;
import io.mlforge.api.v1alpha1.ModelSpec;
import io.mlforge.api.v1alpha1.PipelineContainer;
import io.mlforge.api.v1alpha1.ResolvedModel;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingPhase;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.Variant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves each variant's model (its own, else spec.model), and each container of an inference pipeline the same way:
 * an image and data URI as given, or from a reference — fromTrainingJob: that TrainingJob's model artifacts (it must
 * have Completed), its image unless one is given; fromTuningJob: the same for the TrainingJob of the TuningJob's best
 * trial (in-cluster searches), or of the trial named by model.trial (required for a multi-objective search, which has
 * no single best trial). Re-resolved on every reconcile, so a changed reference or a newer best trial rolls out.
 */
public final class ModelResolver {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** The resolved models, or why they cannot be resolved yet. */
    public record Result(
            Map<String, ModelSpec> models, List<ResolvedModel> resolved, String waitingReason, String waitingMessage) {
        public boolean resolvedAll() {
            return waitingReason == null;
        }
    }

    /** Reads the referenced jobs of the Endpoint's namespace; null when one does not exist. */
    public interface Jobs {
        TrainingJob trainingJob(String name);

        TuningJob tuningJob(String name);
    }

    private record Waiting(String reason, String message) {}

    private ModelResolver() {}

    public static Result resolve(KubernetesClient client, Endpoint endpoint) {
        String ns = endpoint.getMetadata().getNamespace();
        return resolve(
                new Jobs() {
                    @Override
                    public TrainingJob trainingJob(String name) {
                        return client.resources(TrainingJob.class)
                                .inNamespace(ns)
                                .withName(name)
                                .get();
                    }

                    @Override
                    public TuningJob tuningJob(String name) {
                        return client.resources(TuningJob.class)
                                .inNamespace(ns)
                                .withName(name)
                                .get();
                    }
                },
                endpoint);
    }

    public static Result resolve(Jobs jobs, Endpoint endpoint) {
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        List<ResolvedModel> resolved = new ArrayList<>();
        for (Variant v : endpoint.getSpec().variants) {
            ModelSpec model = SERIALIZATION.clone(v.model != null ? v.model : endpoint.getSpec().model);
            Waiting waiting = resolve(jobs, model, model.trial, v.name, null, resolved);
            model.trial = null;
            if (model.pipeline != null) {
                for (PipelineContainer c : model.pipeline) {
                    if (waiting == null) {
                        waiting = resolve(jobs, c, null, v.name, c.name, resolved);
                    }
                }
            }
            if (waiting != null) {
                return new Result(models, resolved, waiting.reason(), waiting.message());
            }
            models.put(v.name, model);
        }
        return new Result(models, resolved, null, null);
    }

    /** Every model source of the spec: spec.model, each variant's model and every container of their pipelines. */
    public static List<ModelSource> sources(EndpointSpec spec) {
        List<ModelSource> sources = new ArrayList<>();
        List<ModelSpec> models = new ArrayList<>();
        if (spec.model != null) {
            models.add(spec.model);
        }
        if (spec.variants != null) {
            spec.variants.stream().filter(v -> v.model != null).forEach(v -> models.add(v.model));
        }
        for (ModelSpec m : models) {
            sources.add(m);
            if (m.pipeline != null) {
                sources.addAll(m.pipeline);
            }
        }
        return sources;
    }

    /**
     * Resolves one source in place (its reference replaced by image + data URI: the same artifacts plan the same
     * model), adding what it resolved to {@code resolved}; null when resolved or nothing to resolve.
     */
    private static Waiting resolve(
            Jobs jobs,
            ModelSource model,
            String trial,
            String variant,
            String container,
            List<ResolvedModel> resolved) {
        String where = "variant " + variant + (container == null ? "" : ", pipeline container " + container) + ": ";
        String trainingJobName = model.fromTrainingJob;
        String source = trainingJobName == null ? null : "TrainingJob/" + trainingJobName;
        if (model.fromTuningJob != null) {
            TuningJob tuning = jobs.tuningJob(model.fromTuningJob);
            if (tuning == null) {
                return new Waiting("TuningJobNotFound", where + "TuningJob " + model.fromTuningJob + " does not exist");
            }
            if (trial != null) {
                TrainingJob job = jobs.trainingJob(trial);
                boolean ofThisSearch = job != null
                        && job.getMetadata().getOwnerReferences() != null
                        && job.getMetadata().getOwnerReferences().stream()
                                .anyMatch(o -> tuning.getMetadata().getUid().equals(o.getUid()));
                if (!ofThisSearch) {
                    return new Waiting(
                            "TrialNotFound",
                            where + trial + " is not a trial of TuningJob " + model.fromTuningJob
                                    + " (trial names are in its status.trials"
                                    + (tuning.getSpec().objectives != null ? " and status.paretoFront)" : ")"));
                }
                trainingJobName = trial;
                source = "TuningJob/" + model.fromTuningJob + " (trial " + trainingJobName + ")";
            } else if (tuning.getSpec().objectives != null) {
                return new Waiting(
                        "TrialRequired",
                        where + "TuningJob " + model.fromTuningJob
                                + " is a multi-objective search with no single best trial: choose a member of its"
                                + " status.paretoFront with model.trial");
            } else if (tuning.getStatus() == null || tuning.getStatus().bestTrial == null) {
                return new Waiting(
                        "WaitingForTuningJob",
                        where + "TuningJob " + model.fromTuningJob + " has no successful trial yet");
            } else {
                trainingJobName = tuning.getStatus().bestTrial.name;
                source = "TuningJob/" + model.fromTuningJob + " (best trial " + trainingJobName + ")";
            }
        }
        if (trainingJobName == null) {
            return null;
        }
        TrainingJob job = jobs.trainingJob(trainingJobName);
        if (job == null) {
            return new Waiting("TrainingJobNotFound", where + "TrainingJob " + trainingJobName + " does not exist");
        }
        if (job.getStatus() == null
                || job.getStatus().phase != TrainingPhase.Completed
                || job.getStatus().modelArtifacts == null) {
            return new Waiting(
                    "WaitingForTrainingJob",
                    where + "TrainingJob " + trainingJobName + " has not completed with model artifacts (phase "
                            + (job.getStatus() == null ? null : job.getStatus().phase) + ")");
        }
        model.dataUri = job.getStatus().modelArtifacts;
        model.fromTrainingJob = null;
        model.fromTuningJob = null;
        if (model.image == null) {
            model.image = job.getSpec().image;
        }
        ResolvedModel r = new ResolvedModel();
        r.variant = variant;
        r.container = container;
        r.source = source;
        r.dataUri = model.dataUri;
        resolved.add(r);
        return null;
    }
}
