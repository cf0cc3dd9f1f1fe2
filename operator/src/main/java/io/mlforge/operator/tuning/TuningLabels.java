package io.mlforge.operator.tuning;

/** Labels and annotations on a TuningJob's trial TrainingJobs: how the operator finds them and reads them back. */
public final class TuningLabels {
    /** The TuningJob's name (label). */
    public static final String TUNING_JOB = "mlforge.io/tuning-job";
    /** The trial's index, from 0 (label). */
    public static final String TRIAL_INDEX = "mlforge.io/trial-index";
    /** The tuned parameters as JSON (annotation): what the optimizer chose, apart from the template's static ones. */
    public static final String PARAMETERS = "mlforge.io/trial-parameters";
    /** Hyperband position "round/bracket/rung" (annotation). */
    public static final String HYPERBAND = "mlforge.io/hyperband";
    /** Why the operator stopped the trial, e.g. MedianRule (annotation, set together with spec.stop). */
    public static final String STOPPED_BY = "mlforge.io/stopped-by";

    private TuningLabels() {}
}
