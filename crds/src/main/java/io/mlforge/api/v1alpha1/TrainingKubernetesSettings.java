package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;

/** Settings used when the backend is Kubernetes (ignored by SageMaker, so switching backend needs no other edit). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingKubernetesSettings extends PodSettings {
    @Size(max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @JsonPropertyDescription(
            "Kueue LocalQueue to submit to. The pods of an attempt then form one Kueue pod group, admitted all together or not at all.")
    public String queueName;

    @Size(max = 253)
    @Pattern("^([a-z0-9.-]+/)?[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$")
    @JsonPropertyDescription(
            "Extended resource name of the GPUs, e.g. amd.com/gpu. Defaults to the operator's configured name (nvidia.com/gpu).")
    public String gpuResourceName;

    @Default("29500")
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Port of the rendezvous (MASTER_PORT) that distributed training uses on rank 0.")
    public Integer rendezvousPort;

    @JsonPropertyDescription(
            "Size limit of the memory-backed /dev/shm that data loaders use, e.g. 16Gi. Defaults to half the container's memory limit, or 8Gi without one.")
    public Quantity shmSize;
}
