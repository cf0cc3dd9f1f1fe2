package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Checkpoints written to localPath are synced to uri during training and restored from it when a new attempt starts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointConfig {
    @Required
    @Size(max = 1024)
    @Pattern(ApiConstants.S3_OR_PVC_URI)
    @JsonPropertyDescription(
            "Where checkpoints are kept between attempts: s3://bucket/prefix/ or pvc://claim-name/path (backend Kubernetes only).")
    public String uri;

    @Default("/opt/ml/checkpoints")
    @Size(max = 4096)
    @Pattern(ApiConstants.ABSOLUTE_PATH)
    @JsonPropertyDescription("Directory in the container that the training code writes checkpoints to.")
    public String localPath;
}
