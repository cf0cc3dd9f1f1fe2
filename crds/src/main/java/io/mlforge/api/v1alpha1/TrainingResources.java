package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** The compute a training run gets: instances (pods in the cluster), each with GPUs and a volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingResources {
    @Size(max = 64)
    @Pattern(ApiConstants.INSTANCE_TYPE)
    @JsonPropertyDescription(
            "Instance type, e.g. ml.p4d.24xlarge. Required by SageMaker. In the cluster it is optional and, when set, selects nodes whose node.kubernetes.io/instance-type label equals it without the ml. prefix (p4d.24xlarge), or the operator's configured mapping.")
    public String instanceType;

    @Default("1")
    @Min(1)
    @Max(512)
    @JsonPropertyDescription(
            "Number of instances (pods in the cluster). Above 1 the job is distributed: every instance gets MASTER_ADDR, WORLD_SIZE, RANK and the SM_HOSTS list.")
    public Integer instanceCount;

    @Min(0)
    @Max(64)
    @JsonPropertyDescription(
            "GPUs per instance. In the cluster this becomes the GPU resource limit of each pod (nvidia.com/gpu unless configured otherwise) and the number of processes per node; SageMaker instance types bring their own GPUs.")
    public Integer gpusPerInstance;

    @Default("30")
    @Min(1)
    @Max(16384)
    @JsonPropertyDescription(
            "Size in GB of the storage volume per instance that holds input data, checkpoints and the model.")
    public Integer volumeSizeGB;

    @Size(max = 2048)
    @JsonPropertyDescription("KMS key used to encrypt the instances' storage volume (SageMaker only).")
    public String volumeKmsKeyId;

    @Min(0)
    @Max(3600)
    @JsonPropertyDescription(
            "Keep the instances warm this many seconds after the job for reuse by the next matching job (SageMaker warm pools).")
    public Integer keepAlivePeriodSeconds;
}
