package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A named input data set, SageMaker style: it appears in the container as /opt/ml/input/data/&lt;name&gt;. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Channel {
    public enum DataDistribution {
        FullyReplicated,
        ShardedByS3Key
    }

    public enum S3DataType {
        S3Prefix,
        ManifestFile,
        AugmentedManifestFile
    }

    public enum Compression {
        None,
        Gzip
    }

    public enum RecordWrapper {
        None,
        RecordIO
    }

    @Required
    @Size(min = 1, max = 64)
    @Pattern("^[A-Za-z0-9.\\-_]+$")
    @JsonPropertyDescription(
            "Channel name, e.g. train or validation. Becomes the directory /opt/ml/input/data/<name> and the variable SM_CHANNEL_<NAME>.")
    public String name;

    @Required
    @Size(max = 1024)
    @Pattern(ApiConstants.S3_OR_PVC_URI)
    @JsonPropertyDescription(
            "Where the data is: s3://bucket/prefix/ (both backends) or pvc://claim-name/path (backend Kubernetes only: the claim is mounted read-only).")
    public String uri;

    @Size(max = 256)
    @JsonPropertyDescription(
            "MIME type of the data, passed to the algorithm, e.g. text/csv or application/x-recordio-protobuf.")
    public String contentType;

    @Default("None")
    @JsonPropertyDescription("Compression of the data: None or Gzip.")
    public Compression compression;

    @Default("FullyReplicated")
    @JsonPropertyDescription(
            "FullyReplicated copies the whole data set to every instance; ShardedByS3Key gives each instance a disjoint share of the objects.")
    public DataDistribution distribution;

    @Default("S3Prefix")
    @JsonPropertyDescription(
            "How uri is read: S3Prefix (every object under the prefix), ManifestFile or AugmentedManifestFile (a manifest listing the objects).")
    public S3DataType s3DataType;

    @JsonPropertyDescription("RecordIO wraps each record for algorithms that expect it; None passes data as is.")
    public RecordWrapper recordWrapper;

    @JsonPropertyDescription("Input mode for this channel only; defaults to the spec's inputMode.")
    public InputMode inputMode;

    @JsonPropertyDescription(
            "Seed for shuffling the S3 objects of this channel before each epoch (SageMaker ShuffleConfig).")
    public Long shuffleSeed;
}
