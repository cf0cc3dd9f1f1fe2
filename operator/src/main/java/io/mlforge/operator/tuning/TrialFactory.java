package io.mlforge.operator.tuning;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.mlforge.api.v1alpha1.TrainingJob;
import io.mlforge.api.v1alpha1.TrainingJobSpec;
import io.mlforge.api.v1alpha1.TuningJob;
import io.mlforge.api.v1alpha1.TuningJobSpec;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.training.metrics.SageMakerLogMetricsCollector;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Builds a trial's TrainingJob from the TuningJob's template (pure). */
public final class TrialFactory {
    private TrialFactory() {}

    /** {@code <tuning job>-<3-digit index>-<hash of the TuningJob's UID and the index>}: deterministic, so never created twice. */
    public static String name(TuningJob tuning, int index) {
        String suffix = String.format(
                Locale.ROOT,
                "-%03d-%s",
                index,
                ResourceNames.shortHash(tuning.getMetadata().getUid() + "/" + index));
        return ResourceNames.truncatedLabel(tuning.getMetadata().getName(), 63 - suffix.length()) + suffix;
    }

    /**
     * The trial: the template's spec with the tuned values (and Hyperband's resource) added to its hyperparameters,
     * the template's labels and annotations plus the trial's, owned by the TuningJob.
     */
    public static TrainingJob trial(
            TuningJob tuning,
            int index,
            Map<String, String> parameters,
            Map<String, String> extraHyperParameters,
            Map<String, String> extraAnnotations,
            TrainingJobSpec templateSpec) {
        TrainingJobSpec spec = templateSpec;
        Map<String, String> hyperParameters = new LinkedHashMap<>();
        if (spec.hyperParameters != null) {
            hyperParameters.putAll(spec.hyperParameters);
        }
        hyperParameters.putAll(parameters);
        hyperParameters.putAll(extraHyperParameters);
        spec.hyperParameters = hyperParameters;
        var template = tuning.getSpec().trainingJobTemplate;
        Map<String, String> labels = new LinkedHashMap<>(template.labels == null ? Map.of() : template.labels);
        labels.put(
                TuningLabels.TUNING_JOB,
                ResourceNames.labelValue(tuning.getMetadata().getName()));
        labels.put(TuningLabels.TRIAL_INDEX, Integer.toString(index));
        Map<String, String> annotations =
                new LinkedHashMap<>(template.annotations == null ? Map.of() : template.annotations);
        annotations.put(TuningLabels.PARAMETERS, TrialObserver.json(parameters));
        if (tuning.getSpec().earlyStopping == TuningJobSpec.EarlyStopping.Auto) {
            // the median rule compares curves as they grow: a SageMaker trial's are read from its logs more often
            annotations.put(SageMakerLogMetricsCollector.EARLY_STOPPING, "MedianRule");
        }
        annotations.putAll(extraAnnotations);
        TrainingJob job = new TrainingJob();
        job.setMetadata(new ObjectMetaBuilder()
                .withName(name(tuning, index))
                .withNamespace(tuning.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(tuning.getApiVersion())
                        .withKind(tuning.getKind())
                        .withName(tuning.getMetadata().getName())
                        .withUid(tuning.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build())
                .build());
        job.setSpec(spec);
        return job;
    }
}
