package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * How a spec change reaches traffic. Every update is blue/green: the new version is brought up next to the serving
 * one, traffic moves to it, and the old one is removed only after that succeeded; on failure traffic returns to the
 * old version.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.strategy != 'Canary' || has(self.canary)",
        message = "strategy Canary needs canary settings",
        reason = "FieldValueRequired")
@ValidationRule(
        value = "self.strategy != 'Linear' || has(self.linear)",
        message = "strategy Linear needs linear settings",
        reason = "FieldValueRequired")
public class DeploymentPolicy {
    public enum Strategy {
        AllAtOnce,
        Canary,
        Linear
    }

    @Default("AllAtOnce")
    @JsonPropertyDescription(
            "How traffic moves to the new version: AllAtOnce, Canary (a share first, then the rest) or Linear (in equal steps).")
    public Strategy strategy;

    @JsonPropertyDescription("Canary step: this share of traffic first, then the rest after the wait.")
    public TrafficStep canary;

    @JsonPropertyDescription("Linear steps: this share more at each step, waiting between steps.")
    public TrafficStep linear;

    @Min(0)
    @Max(3600)
    @JsonPropertyDescription("Seconds the old version stays up after all traffic moved, ready for a rollback.")
    public Integer terminationWaitSeconds;

    @Min(600)
    @Max(14400)
    @JsonPropertyDescription("Upper bound in seconds on the whole update; past it the update is rolled back.")
    public Integer maxUpdateSeconds;

    @Size(max = 10)
    @JsonPropertyDescription(
            "CloudWatch alarm names that roll the update back when they fire during it (backend SageMaker).")
    public List<@Size(min = 1, max = 255) String> rollbackAlarms;

    /** One traffic-shifting step. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TrafficStep {
        @Required
        @Min(1)
        @Max(99)
        @JsonPropertyDescription("Percent of traffic moved in the step.")
        public Integer trafficPercent;

        @Required
        @Min(0)
        @Max(3600)
        @JsonPropertyDescription("Seconds to watch the new version before the next step.")
        public Integer waitSeconds;
    }
}
