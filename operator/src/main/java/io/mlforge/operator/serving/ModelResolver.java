package io.mlforge.operator.serving;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.ModelSpec;
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
 * Resolves each variant's model (its own, else spec.model): an image and data URI as given, or from a reference —
 * fromTrainingJob: that TrainingJob's model artifacts (it must have Completed), its image unless one is given;
 * fromTuningJob: the same for the TrainingJob of the TuningJob's best trial (in-cluster searches), or of the trial named
 * by model.trial (required for a multi-objective search, which has no single best trial). Re-resolved on
 * every reconcile, so a changed reference or a newer best trial rolls out.
 */
public final class ModelResolver {
    /** The resolved models, or why they cannot be resolved yet. */
    public record Result(
            Map<String, ModelSpec> models, List<ResolvedModel> resolved, String waitingReason, String waitingMessage) {
        public boolean resolvedAll() {
            return waitingReason == null;
        }
    }

    private ModelResolver() {}

    public static Result resolve(KubernetesClient client, Endpoint endpoint) {
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        List<ResolvedModel> resolved = new ArrayList<>();
        String ns = endpoint.getMetadata().getNamespace();
        for (Variant v : endpoint.getSpec().variants) {
            ModelSpec model =
                    client.getKubernetesSerialization().clone(v.model != null ? v.model : endpoint.getSpec().model);
            String trainingJobName = model.fromTrainingJob;
            String source = trainingJobName == null ? null : "TrainingJob/" + trainingJobName;
            if (model.fromTuningJob != null) {
                TuningJob tuning = client.resources(TuningJob.class)
                        .inNamespace(ns)
                        .withName(model.fromTuningJob)
                        .get();
                if (tuning == null) {
                    return new Result(
                            models,
                            resolved,
                            "TuningJobNotFound",
                            "variant " + v.name + ": TuningJob " + model.fromTuningJob + " does not exist");
                }
                if (model.trial != null) {
                    TrainingJob trial = client.resources(TrainingJob.class)
                            .inNamespace(ns)
                            .withName(model.trial)
                            .get();
                    boolean ofThisSearch = trial != null
                            && trial.getMetadata().getOwnerReferences() != null
                            && trial.getMetadata().getOwnerReferences().stream()
                                    .anyMatch(o -> tuning.getMetadata().getUid().equals(o.getUid()));
                    if (!ofThisSearch) {
                        return new Result(
                                models,
                                resolved,
                                "TrialNotFound",
                                "variant " + v.name + ": " + model.trial + " is not a trial of TuningJob "
                                        + model.fromTuningJob + " (trial names are in its status.trials"
                                        + (tuning.getSpec().objectives != null ? " and status.paretoFront)" : ")"));
                    }
                    trainingJobName = model.trial;
                    source = "TuningJob/" + model.fromTuningJob + " (trial " + trainingJobName + ")";
                } else if (tuning.getSpec().objectives != null) {
                    return new Result(
                            models,
                            resolved,
                            "TrialRequired",
                            "variant " + v.name + ": TuningJob " + model.fromTuningJob
                                    + " is a multi-objective search with no single best trial: choose a member of its"
                                    + " status.paretoFront with model.trial");
                } else if (tuning.getStatus() == null || tuning.getStatus().bestTrial == null) {
                    return new Result(
                            models,
                            resolved,
                            "WaitingForTuningJob",
                            "variant " + v.name + ": TuningJob " + model.fromTuningJob
                                    + " has no successful trial yet");
                } else {
                    trainingJobName = tuning.getStatus().bestTrial.name;
                    source = "TuningJob/" + model.fromTuningJob + " (best trial " + trainingJobName + ")";
                }
            }
            if (trainingJobName != null) {
                TrainingJob job = client.resources(TrainingJob.class)
                        .inNamespace(ns)
                        .withName(trainingJobName)
                        .get();
                if (job == null) {
                    return new Result(
                            models,
                            resolved,
                            "TrainingJobNotFound",
                            "variant " + v.name + ": TrainingJob " + trainingJobName + " does not exist");
                }
                if (job.getStatus() == null
                        || job.getStatus().phase != TrainingPhase.Completed
                        || job.getStatus().modelArtifacts == null) {
                    return new Result(
                            models,
                            resolved,
                            "WaitingForTrainingJob",
                            "variant " + v.name + ": TrainingJob " + trainingJobName
                                    + " has not completed with model artifacts (phase "
                                    + (job.getStatus() == null ? null : job.getStatus().phase) + ")");
                }
                model.dataUri = job.getStatus().modelArtifacts;
                model.fromTrainingJob = null; // what is served is image + data: the same artifacts plan the same model
                model.fromTuningJob = null;
                model.trial = null;
                if (model.image == null) {
                    model.image = job.getSpec().image;
                }
                ResolvedModel r = new ResolvedModel();
                r.variant = v.name;
                r.source = source;
                r.dataUri = model.dataUri;
                resolved.add(r);
            }
            models.put(v.name, model);
        }
        return new Result(models, resolved, null, null);
    }
}
