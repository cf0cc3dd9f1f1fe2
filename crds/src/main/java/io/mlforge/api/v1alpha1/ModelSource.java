package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

/** A serving container and where its model data comes from: a URI, a TrainingJob's artifacts or a TuningJob's best trial. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class ModelSource {
    @Size(min = 1, max = 255)
    @JsonPropertyDescription(
            "Serving container image. It must follow SageMaker's serving contract (port 8080, GET /ping, POST /invocations, model in /opt/ml/model), so SageMaker images run unchanged in the cluster.")
    public String image;

    @Size(max = 1024)
    @Pattern(ApiConstants.S3_OR_PVC_URI)
    @JsonPropertyDescription(
            "Model data: s3://bucket/path/model.tar.gz (or a prefix in MultiModel mode), or pvc://claim-name/path (backend Kubernetes only). Unpacked into /opt/ml/model before the server starts.")
    public String dataUri;

    @Size(max = 253)
    @Pattern(ApiConstants.DNS1123_SUBDOMAIN)
    @JsonPropertyDescription(
            "Name of a TrainingJob in this namespace whose model artifacts to serve; the Endpoint waits until it has completed.")
    public String fromTrainingJob;

    @Size(max = 253)
    @Pattern(ApiConstants.DNS1123_SUBDOMAIN)
    @JsonPropertyDescription(
            "Name of a TuningJob in this namespace whose best trial's model artifacts to serve; re-resolved when the best trial changes.")
    public String fromTuningJob;

    @Size(max = 100)
    @JsonPropertyDescription("Environment variables of the serving container.")
    public Map<String, @Size(max = 1024) String> environment;
}
