package io.mlforge.operator.tuning;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code mlforge.tuning.*}: how the operator runs searches. */
@ConfigMapping(prefix = "mlforge.tuning")
public interface TuningSettings {
    /** How many of the most recent trials status.trials lists (the rest live in their TrainingJobs). */
    @WithDefault("20")
    int statusTrialLimit();
}
