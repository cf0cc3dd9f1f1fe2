package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Where the trained model goes: /opt/ml/model is packed to model.tar.gz and uploaded under uri. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OutputConfig {
    public enum Compression {
        Gzip,
        None
    }

    @Required
    @Size(max = 1024)
    @Pattern(ApiConstants.S3_OR_PVC_URI)
    @JsonPropertyDescription(
            "Output location: s3://bucket/prefix/ (both backends) or pvc://claim-name/path (backend Kubernetes only). Artifacts land under <uri>/<attempt name>/output/model.tar.gz.")
    public String uri;

    @Size(max = 2048)
    @JsonPropertyDescription("KMS key (ID, ARN or alias) used to encrypt the artifacts in S3.")
    public String kmsKeyId;

    @Default("Gzip")
    @JsonPropertyDescription(
            "Gzip packs the model as model.tar.gz; None uploads the files of /opt/ml/model uncompressed.")
    public Compression compression;
}
