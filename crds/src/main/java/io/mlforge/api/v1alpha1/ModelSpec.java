package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The model an Endpoint serves: one container (image + model data), or an inference pipeline of 2 to 5 containers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "has(self.image) != has(self.pipeline)",
        message = "set model.image for a single container or model.pipeline for an inference pipeline, not both")
@ValidationRule(
        value =
                "(has(self.dataUri) ? 1 : 0) + (has(self.fromTrainingJob) ? 1 : 0) + (has(self.fromTuningJob) ? 1 : 0) <= 1",
        message = "choose at most one model data source: dataUri, fromTrainingJob or fromTuningJob")
@ValidationRule(
        value =
                "!has(self.pipeline) || (!has(self.dataUri) && !has(self.fromTrainingJob) && !has(self.fromTuningJob) && !has(self.environment))",
        message = "with a pipeline, set model data and environment on its containers")
@ValidationRule(
        value = "!has(self.mode) || self.mode == 'SingleModel' || (has(self.dataUri) && !has(self.pipeline))",
        message =
                "MultiModel mode serves every model under dataUri, an S3 prefix: set dataUri (pipelines cannot be multi-model)")
@ValidationRule(
        value = "!has(self.trial) || has(self.fromTuningJob)",
        message = "trial picks one trial of the TuningJob named by fromTuningJob: set fromTuningJob too",
        fieldPath = ".trial")
public class ModelSpec extends ModelSource {
    public enum Mode {
        SingleModel,
        MultiModel
    }

    @Size(max = 253)
    @Pattern(ApiConstants.DNS1123_SUBDOMAIN)
    @JsonPropertyDescription(
            "With fromTuningJob: serve this trial (the name of its TrainingJob, e.g. a member of a multi-objective search's status.paretoFront) instead of the best trial. Required for a multi-objective TuningJob, which has no single best trial.")
    public String trial;

    @Default("SingleModel")
    @JsonPropertyDescription(
            "SingleModel, or MultiModel: many models under the dataUri prefix served by one container, loaded on demand (SageMaker multi-model endpoints).")
    public Mode mode;

    @Size(min = 2, max = 5)
    @UniqueBy("name")
    @JsonPropertyDescription(
            "Inference pipeline: 2 to 5 containers on the same instance, each request passing through them in order.")
    public List<PipelineContainer> pipeline;
}
