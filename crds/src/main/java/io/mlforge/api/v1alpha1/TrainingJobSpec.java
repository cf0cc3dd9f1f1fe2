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
import java.util.Map;

/**
 * One training run. What it runs (image, data, hyperparameters, resources) is fixed at creation: the rules below
 * reject changes to it. What may change is how it is driven: stop, suspend, restartNonce, ttlSecondsAfterFinished,
 * deletionPolicy.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Backend requirements.
@ValidationRule(
        value = "self.backend != 'SageMaker' || (has(self.sagemaker) && has(self.sagemaker.roleArn))",
        message = "backend SageMaker needs sagemaker.roleArn: the IAM role SageMaker runs the job as",
        reason = "FieldValueRequired")
@ValidationRule(
        value =
                "self.backend != 'SageMaker' || (has(self.resources) && has(self.resources.instanceType) && self.resources.instanceType.startsWith('ml.'))",
        message = "backend SageMaker needs resources.instanceType, an ml.* instance type such as ml.m5.xlarge",
        reason = "FieldValueRequired")
@ValidationRule(
        value = "self.backend != 'SageMaker' || has(self.output)",
        message = "backend SageMaker needs output.uri: the s3:// location SageMaker writes the model to",
        reason = "FieldValueRequired")
@ValidationRule(
        value =
                "self.backend != 'SageMaker' || ((!has(self.inputs) || self.inputs.all(c, c.uri.startsWith('s3://'))) && (!has(self.output) || self.output.uri.startsWith('s3://')) && (!has(self.checkpoints) || self.checkpoints.uri.startsWith('s3://')))",
        message = "backend SageMaker reads and writes S3 only: pvc:// URIs need backend Kubernetes")
@ValidationRule(
        value =
                "self.backend == 'SageMaker' || ((!has(self.inputMode) || self.inputMode == 'File') && (!has(self.inputs) || self.inputs.all(c, !has(c.inputMode) || c.inputMode == 'File')))",
        message =
                "inputMode Pipe and FastFile need backend SageMaker; in the cluster channels are downloaded before training (File)")
@ValidationRule(
        value =
                "!has(self.spot) || !self.spot.enabled || (has(self.spot.maxWaitSeconds) && self.spot.maxWaitSeconds >= (has(self.stopping) && has(self.stopping.maxRuntimeSeconds) ? self.stopping.maxRuntimeSeconds : 86400))",
        message =
                "spot.enabled needs spot.maxWaitSeconds of at least stopping.maxRuntimeSeconds (86400 when unset): the wait for spot capacity counts against it")
@ValidationRule(
        value =
                "self.backend != 'SageMaker' || ((!has(self.command) || self.command.all(c, size(c) <= 256)) && (!has(self.args) || self.args.all(a, size(a) <= 256)))",
        message =
                "backend SageMaker allows at most 256 characters per command and args entry (ContainerEntrypoint, ContainerArguments)")
@ValidationRule(
        value = "!has(self.suspend) || !self.suspend || self.backend == 'Kubernetes'",
        message = "suspend needs backend Kubernetes: a SageMaker job cannot be paused (use stop)")
// Mutability: what the job runs is fixed at creation. Each fixed field carries its own "self == oldSelf" rule; the
// rules here only forbid adding or removing an optional one (a field-level rule cannot see that). Transition rules
// run on every update, status writes included, and the API server resolves each field a rule on this object reads
// by copying the schemas of all its properties: a comparison on the field itself reads none (see the README's
// benchmark notes), so the operator's status writes cost the API server less.
@ValidationRule(
        value = "has(self.command) == has(oldSelf.command) && has(self.args) == has(oldSelf.args)",
        message = TrainingJobSpec.COMMAND_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "has(self.environment) == has(oldSelf.environment)",
        message = TrainingJobSpec.ENVIRONMENT_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "has(self.hyperParameters) == has(oldSelf.hyperParameters)",
        message = TrainingJobSpec.HYPERPARAMETERS_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "has(self.inputs) == has(oldSelf.inputs)",
        message = TrainingJobSpec.INPUTS_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "has(self.output) == has(oldSelf.output) && has(self.checkpoints) == has(oldSelf.checkpoints)",
        message = TrainingJobSpec.OUTPUT_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "has(self.resources) == has(oldSelf.resources) && has(self.spot) == has(oldSelf.spot)",
        message = TrainingJobSpec.RESOURCES_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "has(self.stopping) == has(oldSelf.stopping) && has(self.retry) == has(oldSelf.retry)",
        message = TrainingJobSpec.STOPPING_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "has(self.metrics) == has(oldSelf.metrics)",
        message = TrainingJobSpec.METRICS_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value = "has(self.sagemaker) == has(oldSelf.sagemaker) && has(self.kubernetes) == has(oldSelf.kubernetes)",
        message = TrainingJobSpec.SETTINGS_IMMUTABLE,
        reason = "FieldValueForbidden")
@ValidationRule(
        value =
                "!(has(oldSelf.stop) && oldSelf.stop) || (has(self.stop) && self.stop) || !(has(self.restartNonce) == has(oldSelf.restartNonce) && (!has(self.restartNonce) || self.restartNonce == oldSelf.restartNonce))",
        message = "stop cannot be undone; to run the job again change restartNonce as well",
        reason = "FieldValueForbidden")
@JsonClassDescription(
        "What to train and where. What the job runs is fixed at creation; stop, suspend, restartNonce, ttlSecondsAfterFinished and deletionPolicy may change.")
public class TrainingJobSpec {
    static final String BACKEND_IMMUTABLE =
            "backend is immutable: create a new TrainingJob to run on the other backend";
    static final String IMAGE_IMMUTABLE =
            "image is immutable: a TrainingJob keeps what it was created with; create a new TrainingJob";
    static final String COMMAND_IMMUTABLE = "command and args are immutable: create a new TrainingJob";
    static final String ENVIRONMENT_IMMUTABLE = "environment is immutable: create a new TrainingJob";
    static final String HYPERPARAMETERS_IMMUTABLE =
            "hyperParameters are immutable: attempts of one TrainingJob must be comparable; create a new TrainingJob (or a TuningJob)";
    static final String INPUTS_IMMUTABLE = "inputMode and inputs are immutable: create a new TrainingJob";
    static final String OUTPUT_IMMUTABLE =
            "output and checkpoints are immutable: new attempts must find the checkpoints and artifacts of earlier ones";
    static final String RESOURCES_IMMUTABLE = "resources and spot are immutable: create a new TrainingJob";
    static final String STOPPING_IMMUTABLE =
            "stopping and retry are immutable: SageMaker cannot change them on a created job";
    static final String METRICS_IMMUTABLE = "metrics are immutable: SageMaker fixes metric definitions at creation";
    static final String SETTINGS_IMMUTABLE =
            "sagemaker and kubernetes settings are immutable: create a new TrainingJob";

    @Default("Kubernetes")
    @JsonPropertyDescription(
            "Where the job runs: Kubernetes (GPU pods in this cluster) or SageMaker (an Amazon SageMaker training job). Immutable.")
    @ValidationRule(value = "self == oldSelf", message = BACKEND_IMMUTABLE, reason = "FieldValueForbidden")
    public Backend backend;

    @Required
    @Size(min = 1, max = 255)
    @JsonPropertyDescription(
            "Training container image, e.g. 1234.dkr.ecr.us-east-1.amazonaws.com/resnet:1.4. Images written for SageMaker run unchanged in the cluster: the operator provides SageMaker's /opt/ml layout and SM_* environment.")
    @ValidationRule(value = "self == oldSelf", message = IMAGE_IMMUTABLE, reason = "FieldValueForbidden")
    public String image;

    @Size(max = 100)
    @JsonPropertyDescription(
            "Entrypoint of the training container (overrides the image's ENTRYPOINT), e.g. [python, train.py]. SageMaker allows at most 256 characters per entry.")
    @ValidationRule(value = "self == oldSelf", message = COMMAND_IMMUTABLE, reason = "FieldValueForbidden")
    public List<@Size(max = 32768) String> command;

    @Size(max = 100)
    @JsonPropertyDescription(
            "Arguments to the entrypoint. SageMaker allows at most 256 characters per entry; in the cluster an entry may hold an inline script.")
    @ValidationRule(value = "self == oldSelf", message = COMMAND_IMMUTABLE, reason = "FieldValueForbidden")
    public List<@Size(max = 32768) String> args;

    @Size(max = 100)
    @JsonPropertyDescription(
            "Environment variables of the training container, portable across backends. For values from Secrets use kubernetes.env.")
    @ValidationRule(value = "self == oldSelf", message = ENVIRONMENT_IMMUTABLE, reason = "FieldValueForbidden")
    public Map<String, @Size(max = 512) String> environment;

    @Size(max = 100)
    @JsonPropertyDescription(
            "Hyperparameters, given to the code as /opt/ml/input/config/hyperparameters.json and SM_HP_<NAME> / SM_HPS (and passed to SageMaker as is).")
    @ValidationRule(value = "self == oldSelf", message = HYPERPARAMETERS_IMMUTABLE, reason = "FieldValueForbidden")
    public Map<String, @Size(max = 2500) String> hyperParameters;

    @Default("File")
    @JsonPropertyDescription(
            "How channels reach the container: File (copied before training; both backends), Pipe or FastFile (SageMaker only).")
    @ValidationRule(value = "self == oldSelf", message = INPUTS_IMMUTABLE, reason = "FieldValueForbidden")
    public InputMode inputMode;

    @JsonPropertyDescription("Instances, GPUs and storage.")
    @ValidationRule(value = "self == oldSelf", message = RESOURCES_IMMUTABLE, reason = "FieldValueForbidden")
    public TrainingResources resources;

    @Size(max = 20)
    @UniqueBy("name")
    @JsonPropertyDescription("Input channels (at most 20), each mounted at /opt/ml/input/data/<name>.")
    @ValidationRule(value = "self == oldSelf", message = INPUTS_IMMUTABLE, reason = "FieldValueForbidden")
    public List<Channel> inputs;

    @JsonPropertyDescription("Where the trained model (/opt/ml/model) is uploaded. Required with backend SageMaker.")
    @ValidationRule(value = "self == oldSelf", message = OUTPUT_IMMUTABLE, reason = "FieldValueForbidden")
    public OutputConfig output;

    @JsonPropertyDescription("Checkpoint sync: saved during training, restored at the start of every new attempt.")
    @ValidationRule(value = "self == oldSelf", message = OUTPUT_IMMUTABLE, reason = "FieldValueForbidden")
    public CheckpointConfig checkpoints;

    @JsonPropertyDescription("Run on spot capacity.")
    @ValidationRule(value = "self == oldSelf", message = RESOURCES_IMMUTABLE, reason = "FieldValueForbidden")
    public SpotConfig spot;

    @JsonPropertyDescription("Limits after which an attempt is stopped.")
    @ValidationRule(value = "self == oldSelf", message = STOPPING_IMMUTABLE, reason = "FieldValueForbidden")
    public StoppingConfig stopping;

    @JsonPropertyDescription("When a failed attempt is followed by a new one.")
    @ValidationRule(value = "self == oldSelf", message = STOPPING_IMMUTABLE, reason = "FieldValueForbidden")
    public RetryConfig retry;

    @Size(max = 40)
    @UniqueBy("name")
    @JsonPropertyDescription(
            "Metrics parsed from the training log (at most 40); latest values show in status.metrics, and a TuningJob's objective names one of them.")
    @ValidationRule(value = "self == oldSelf", message = METRICS_IMMUTABLE, reason = "FieldValueForbidden")
    public List<MetricDefinition> metrics;

    @Default("false")
    @JsonPropertyDescription(
            "Set to true to stop the job: running pods are terminated (or StopTrainingJob is called) and the job ends in phase Stopped. Cannot be undone except together with a new restartNonce.")
    public Boolean stop;

    @Default("false")
    @JsonPropertyDescription(
            "Backend Kubernetes only: true removes the pods and keeps the job in phase Suspended (e.g. for Kueue or to free GPUs); false again starts a new attempt that resumes from checkpoints.")
    public Boolean suspend;

    @JsonPropertyDescription(
            "Change to any other value to run a finished, failed or stopped job again: a new attempt with a new backend name, recorded in status.attempts. Re-applying the same spec never starts a new run.")
    public Long restartNonce;

    @Min(0)
    @Max(31536000)
    @JsonPropertyDescription(
            "Seconds after the job finished when its pods and Service are deleted (backend Kubernetes); status and attempts history are kept. Unset: pods of finished jobs are kept.")
    public Integer ttlSecondsAfterFinished;

    @JsonPropertyDescription(
            "Backend SageMaker: Stop (stop a running job when this resource is deleted) or Retain (leave it running). Unset: the operator's default (Stop).")
    public JobDeletionPolicy deletionPolicy;

    @JsonPropertyDescription("Settings for backend SageMaker (ignored by backend Kubernetes).")
    @ValidationRule(value = "self == oldSelf", message = SETTINGS_IMMUTABLE, reason = "FieldValueForbidden")
    public TrainingSageMakerSettings sagemaker;

    @JsonPropertyDescription("Settings for backend Kubernetes (ignored by backend SageMaker).")
    @ValidationRule(value = "self == oldSelf", message = SETTINGS_IMMUTABLE, reason = "FieldValueForbidden")
    public TrainingKubernetesSettings kubernetes;
}
