package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
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
 * A hyperparameter search. The search space, objective, strategy and template are fixed at creation; budgets and
 * completion criteria may change while the operator runs the search (backend Kubernetes).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.objective) != has(self.objectives)",
        message = "set objective (one metric) or objectives (two or three metrics, a multi-objective search), not both",
        reason = "FieldValueRequired")
@ValidationRule(
        value =
                "!has(self.objective) || (has(self.trainingJobTemplate.spec.metrics) && self.trainingJobTemplate.spec.metrics.exists(m, m.name == self.objective.metricName))",
        message =
                "objective.metricName must name one of trainingJobTemplate.spec.metrics (the regex that reads the objective from the log)",
        fieldPath = ".objective.metricName")
@ValidationRule(
        value =
                "!has(self.objectives) || (has(self.trainingJobTemplate.spec.metrics) && self.objectives.all(o, self.trainingJobTemplate.spec.metrics.exists(m, m.name == o.metricName)))",
        message =
                "every objectives[].metricName must name one of trainingJobTemplate.spec.metrics (the regexes that read the objectives from the log)",
        fieldPath = ".objectives")
@ValidationRule(
        value = "!has(self.objectives) || self.backend != 'SageMaker'",
        message =
                "a SageMaker tuning job optimises one objective: use objective, or backend Kubernetes for a multi-objective search",
        fieldPath = ".objectives")
@ValidationRule(
        value = "!has(self.objectives) || self.strategy != 'Hyperband'",
        message = "Hyperband promotes trials by one objective: use objective with strategy Hyperband",
        fieldPath = ".objectives")
@ValidationRule(
        value = "!has(self.objectives) || !has(self.earlyStopping) || self.earlyStopping == 'Disabled'",
        message =
                "the median stopping rule compares one objective: set earlyStopping to Disabled in a multi-objective search",
        fieldPath = ".earlyStopping")
@ValidationRule(
        value =
                "!has(self.objectives) || !has(self.completionCriteria) || (!has(self.completionCriteria.targetObjectiveValue) && !has(self.completionCriteria.stopOnConvergence))",
        message =
                "targetObjectiveValue and stopOnConvergence apply to one objective; a multi-objective search can end on maxTrialsWithoutImprovement (no trial joined the Pareto front)",
        fieldPath = ".completionCriteria")
@ValidationRule(
        value = "!has(self.objectives) || !has(self.warmStart)",
        message = "warmStart reuses single-objective results: a multi-objective search cannot use it",
        fieldPath = ".warmStart")
@ValidationRule(
        value =
                "!has(self.trainingJobTemplate.spec.hyperParameters) || self.parameters.all(p, !(p.name in self.trainingJobTemplate.spec.hyperParameters))",
        message =
                "a tuned parameter must not also be a static hyperparameter in trainingJobTemplate.spec.hyperParameters")
@ValidationRule(
        value = "self.strategy != 'Grid' || self.parameters.all(p, p.type != 'Continuous')",
        message =
                "Grid search enumerates values: use Integer or Categorical parameters (a Continuous range has no grid)")
@ValidationRule(
        value =
                "self.strategy != 'Grid' || self.backend != 'SageMaker' || self.parameters.all(p, p.type == 'Categorical')",
        message = "SageMaker grid search accepts Categorical parameters only")
@ValidationRule(
        value = "self.strategy == 'Grid' || has(self.maxTrials)",
        message = "maxTrials is required (only Grid, which runs every combination, may leave it out)",
        reason = "FieldValueRequired")
@ValidationRule(
        value = "self.strategy != 'Hyperband' || has(self.hyperband)",
        message = "strategy Hyperband needs hyperband.resourceParameter (e.g. epochs) and hyperband.maxResource",
        reason = "FieldValueRequired")
@ValidationRule(
        value = "!has(self.hyperband) || self.strategy == 'Hyperband'",
        message = "hyperband settings apply only to strategy Hyperband")
@ValidationRule(
        value = "!has(self.hyperband) || !self.parameters.exists(p, p.name == self.hyperband.resourceParameter)",
        message = "hyperband.resourceParameter is set by the operator per trial and must not also be a tuned parameter")
@ValidationRule(
        value = "self.strategy != 'Hyperband' || !has(self.earlyStopping) || self.earlyStopping == 'Disabled'",
        message = "Hyperband stops poor trials itself: set earlyStopping to Disabled")
@ValidationRule(
        value =
                "!has(self.hyperband) || self.backend != 'SageMaker' || !has(self.hyperband.eta) || self.hyperband.eta == 3",
        message = "SageMaker's Hyperband uses eta 3: remove hyperband.eta or set it to 3")
@ValidationRule(
        value = "!has(self.maxTrials) || !has(self.maxParallelTrials) || self.maxParallelTrials <= self.maxTrials",
        message = "maxParallelTrials cannot exceed maxTrials")
@ValidationRule(
        value = "self.backend != 'SageMaker' || self.trainingJobTemplate.spec.backend == 'SageMaker'",
        message =
                "a SageMaker tuning job runs SageMaker training jobs: set trainingJobTemplate.spec.backend to SageMaker")
@ValidationRule(
        value = "self.backend != 'SageMaker' || size(self.parameters) <= 30",
        message = "SageMaker tunes at most 30 parameters")
@ValidationRule(
        value = "!has(self.bayesian) || self.strategy == 'Bayesian'",
        message = "bayesian settings apply only to strategy Bayesian")
@ValidationRule(
        value = "!has(self.random) || self.strategy == 'Random'",
        message = "random settings apply only to strategy Random")
// Mutability. Each fixed field carries its own "self == oldSelf" rule; the rules here only forbid adding or removing
// an optional one, which a rule on the field cannot see. Transition rules run on every update, status writes
// included, and each field a rule on this object reads costs the API server a copy of all its properties' schemas
// (as on TrainingJobSpec).
@ValidationRule(
        value = "has(self.objective) == has(oldSelf.objective) && has(self.objectives) == has(oldSelf.objectives)",
        message = TuningJobSpec.SEARCH_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value =
                "has(self.hyperband) == has(oldSelf.hyperband) && has(self.bayesian) == has(oldSelf.bayesian) && has(self.random) == has(oldSelf.random) && has(self.randomSeed) == has(oldSelf.randomSeed) && has(self.warmStart) == has(oldSelf.warmStart)",
        message = TuningJobSpec.STRATEGY_SETTINGS_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value =
                "self.backend != 'SageMaker' || ((has(self.maxTrials) == has(oldSelf.maxTrials) && (!has(self.maxTrials) || self.maxTrials == oldSelf.maxTrials)) && (has(self.maxParallelTrials) == has(oldSelf.maxParallelTrials) && (!has(self.maxParallelTrials) || self.maxParallelTrials == oldSelf.maxParallelTrials)) && (has(self.maxRuntimeSeconds) == has(oldSelf.maxRuntimeSeconds) && (!has(self.maxRuntimeSeconds) || self.maxRuntimeSeconds == oldSelf.maxRuntimeSeconds)) && (has(self.completionCriteria) == has(oldSelf.completionCriteria) && (!has(self.completionCriteria) || self.completionCriteria == oldSelf.completionCriteria)) && (has(self.sagemaker) == has(oldSelf.sagemaker) && (!has(self.sagemaker) || self.sagemaker == oldSelf.sagemaker)))",
        message = "a SageMaker tuning job cannot be changed after creation (only stop and deletionPolicy may change)",
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "!(has(oldSelf.stop) && oldSelf.stop) || (has(self.stop) && self.stop)",
        message = "stop cannot be undone",
        reason = "FieldValueForbidden")
@JsonClassDescription("The search: space, objective, strategy, budget and the TrainingJob every trial is made from.")
public class TuningJobSpec {
    static final String BACKEND_IMMUTABLE = "backend and strategy are immutable: create a new TuningJob";
    static final String TEMPLATE_IMMUTABLE =
            "trainingJobTemplate is immutable: trials of one search must be comparable; create a new TuningJob (warmStart can reuse this one's results)";
    static final String SEARCH_IMMUTABLE =
            "parameters and objectives are immutable: create a new TuningJob (warmStart can reuse a single-objective search's results)";
    static final String STRATEGY_SETTINGS_IMMUTABLE =
            "strategy settings, randomSeed, warmStart and earlyStopping are immutable";

    @Default("Kubernetes")
    @JsonPropertyDescription(
            "Who runs the search: Kubernetes (MLForge's optimizer inside the operator; trials are child TrainingJobs on the template's backend) or SageMaker (a SageMaker hyperparameter tuning job; the template must use backend SageMaker). Immutable.")
    @ValidationRule(value = "self == oldSelf", message = BACKEND_IMMUTABLE, reason = "FieldValueForbidden")
    public Backend backend;

    @Required
    @JsonPropertyDescription("The TrainingJob each trial is made from. Immutable.")
    @ValidationRule(value = "self == oldSelf", message = TEMPLATE_IMMUTABLE, reason = "FieldValueForbidden")
    public TrainingJobTemplate trainingJobTemplate;

    @Required
    @Size(min = 1, max = 100)
    @UniqueBy("name")
    @JsonPropertyDescription("The search space: the hyperparameters to tune. Immutable.")
    @ValidationRule(value = "self == oldSelf", message = SEARCH_IMMUTABLE, reason = "FieldValueForbidden")
    public List<TuningParameter> parameters;

    @JsonPropertyDescription("The metric to optimise and its direction. Set this or objectives. Immutable.")
    @ValidationRule(value = "self == oldSelf", message = SEARCH_IMMUTABLE, reason = "FieldValueForbidden")
    public TuningObjective objective;

    @Size(min = 2, max = 3)
    @UniqueBy("metricName")
    @JsonPropertyDescription(
            "A multi-objective search (backend Kubernetes): two or three metrics, each with its direction, e.g. accuracy (Maximize) against latency (Minimize). No single best trial: the search keeps the Pareto front (the trials no other trial beats on every objective) in status.paretoFront. Set this or objective. Immutable.")
    @ValidationRule(value = "self == oldSelf", message = SEARCH_IMMUTABLE, reason = "FieldValueForbidden")
    public List<TuningObjective> objectives;

    @Default("Bayesian")
    @JsonPropertyDescription(
            "Random, Grid, Bayesian (default; typically needs far fewer trials than Random) or Hyperband. Immutable.")
    @ValidationRule(value = "self == oldSelf", message = BACKEND_IMMUTABLE, reason = "FieldValueForbidden")
    public TuningStrategy strategy;

    @JsonPropertyDescription("Settings of strategy Bayesian.")
    @ValidationRule(value = "self == oldSelf", message = STRATEGY_SETTINGS_IMMUTABLE, reason = "FieldValueForbidden")
    public BayesianConfig bayesian;

    @JsonPropertyDescription("Settings of strategy Random.")
    @ValidationRule(value = "self == oldSelf", message = STRATEGY_SETTINGS_IMMUTABLE, reason = "FieldValueForbidden")
    public RandomConfig random;

    @JsonPropertyDescription("Settings of strategy Hyperband (required with it).")
    @ValidationRule(value = "self == oldSelf", message = STRATEGY_SETTINGS_IMMUTABLE, reason = "FieldValueForbidden")
    public HyperbandConfig hyperband;

    @Min(1)
    @Max(10000)
    @JsonPropertyDescription(
            "Total number of trials. Required except with Grid, where it caps the number of combinations run.")
    public Integer maxTrials;

    @Default("1")
    @Min(1)
    @Max(100)
    @JsonPropertyDescription("Trials running at once. Keep it low with Bayesian: it learns from finished trials.")
    public Integer maxParallelTrials;

    @Min(0)
    @Max(10000)
    @JsonPropertyDescription(
            "The search fails once more trials than this have failed. Unset: no limit below maxTrials.")
    public Integer maxFailedTrials;

    @Min(120)
    @Max(15768000)
    @JsonPropertyDescription("Maximum duration of the whole search in seconds; running trials are then stopped.")
    public Integer maxRuntimeSeconds;

    @Default("Disabled")
    @JsonPropertyDescription(
            "Disabled (SageMaker's Off), or Auto: stop a trial whose best objective so far is worse than the median of completed trials at the same step (the median stopping rule, as SageMaker's Auto). Not Off: YAML reads an unquoted Off as false.")
    @ValidationRule(value = "self == oldSelf", message = STRATEGY_SETTINGS_IMMUTABLE, reason = "FieldValueForbidden")
    public EarlyStopping earlyStopping;

    @JsonPropertyDescription("Conditions that end the search before maxTrials.")
    public CompletionCriteria completionCriteria;

    @JsonPropertyDescription("Seed the search with the results of finished TuningJobs. Immutable.")
    @ValidationRule(value = "self == oldSelf", message = STRATEGY_SETTINGS_IMMUTABLE, reason = "FieldValueForbidden")
    public WarmStartConfig warmStart;

    @JsonPropertyDescription("Seed of the optimizer: the same seed and results give the same trials. Immutable.")
    @ValidationRule(value = "self == oldSelf", message = STRATEGY_SETTINGS_IMMUTABLE, reason = "FieldValueForbidden")
    public Integer randomSeed;

    @Default("false")
    @JsonPropertyDescription(
            "Set to true to end the search: no new trials, running ones are stopped; the TuningJob ends in phase Stopped. Cannot be undone.")
    public Boolean stop;

    @JsonPropertyDescription(
            "Backend SageMaker: Stop (stop the tuning job when this resource is deleted) or Retain. Unset: the operator's default (Stop). With backend Kubernetes, deleting the TuningJob always deletes its trials.")
    public JobDeletionPolicy deletionPolicy;

    @JsonPropertyDescription("Settings for backend SageMaker.")
    public TuningSageMakerSettings sagemaker;

    /** Early stopping of unpromising trials. */
    public enum EarlyStopping {
        Disabled,
        Auto
    }
}
