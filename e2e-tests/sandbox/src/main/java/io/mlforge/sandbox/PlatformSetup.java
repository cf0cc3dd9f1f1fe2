package io.mlforge.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a GPU cluster's platform team has set up before MLForge's users arrive, and the samples refer to: a
 * PriorityClass for training, the service accounts samples run their pods as, and the shared dataset volume the
 * distributed sample reads. On the real control plane their absence is refused (scheduler, admission), as it would be
 * on a cluster.
 */
final class PlatformSetup {
    private PlatformSetup() {}

    static void apply(KubernetesClient client, Path workDir) {
        // what a GPU cluster's platform team has set up and the samples refer to
        client.resource(new io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder()
                        .withNewMetadata()
                        .withName("training-high")
                        .endMetadata()
                        .withValue(100000)
                        .withDescription("training jobs that may preempt lower-priority work (sandbox)")
                        .build())
                .serverSideApply();
        // the service accounts samples run their pods as (with IRSA on EKS they would carry a role annotation)
        for (String account : List.of("trainer", "model-reader")) {
            client.resource(new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                            .withNewMetadata()
                            .withName(account)
                            .withNamespace("default")
                            .endMetadata()
                            .build())
                    .serverSideApply();
        }
        // the shared dataset volume trainingjob-distributed.yaml reads (pvc://sft-datasets/...), bound by the real PV
        // controller
        client.resource(new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder()
                        .withNewMetadata()
                        .withName("sandbox-sft-datasets")
                        .endMetadata()
                        .withNewSpec()
                        .withCapacity(Map.of("storage", new io.fabric8.kubernetes.api.model.Quantity("500Gi")))
                        .withAccessModes("ReadWriteMany", "ReadOnlyMany")
                        .withStorageClassName("")
                        .withPersistentVolumeReclaimPolicy("Retain")
                        .withNewHostPath()
                        .withPath(workDir.resolve("volumes/sft-datasets").toString())
                        .withType("DirectoryOrCreate")
                        .endHostPath()
                        .withNewClaimRef()
                        .withNamespace("default")
                        .withName("sft-datasets")
                        .endClaimRef()
                        .endSpec()
                        .build())
                .serverSideApply();
        client.resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                        .withNewMetadata()
                        .withName("sft-datasets")
                        .withNamespace("default")
                        .endMetadata()
                        .withNewSpec()
                        .withAccessModes("ReadWriteMany")
                        .withStorageClassName("")
                        .withVolumeName("sandbox-sft-datasets")
                        .withNewResources()
                        .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("500Gi"))
                        .endResources()
                        .endSpec()
                        .build())
                .serverSideApply();
    }
}
