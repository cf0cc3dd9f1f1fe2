package io.mlforge.operator.kueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class KueueWorkloadsTest {

    private static GenericKubernetesResource workload(String statusYaml) {
        return Serialization.unmarshal("""
                apiVersion: kueue.x-k8s.io/v1beta2
                kind: Workload
                metadata:
                  name: second-1ea8ee-1
                  namespace: default
                """ + statusYaml, GenericKubernetesResource.class);
    }

    @Test
    void aWorkloadWithoutQuotaCarriesKueuesReasonAndMessage() {
        KueueWorkloads.Admission admission = KueueWorkloads.admission(workload("""
                status:
                  conditions:
                  - type: QuotaReserved
                    status: "False"
                    reason: Pending
                    message: "couldn't assign flavors to pod set main: insufficient unused quota for nvidia.com/gpu in flavor gpu, 16 more needed"
                """));

        assertThat(admission.admitted()).isFalse();
        assertThat(admission.considered()).isTrue();
        assertThat(admission.reason()).isEqualTo("Pending");
        assertThat(admission.message()).contains("insufficient unused quota for nvidia.com/gpu");
        assertThat(admission.clusterQueue()).isNull();
    }

    @Test
    void anAdmittedWorkloadNamesItsClusterQueue() {
        KueueWorkloads.Admission admission = KueueWorkloads.admission(workload("""
                status:
                  admission:
                    clusterQueue: team-a-gpus
                  conditions:
                  - type: QuotaReserved
                    status: "True"
                    reason: QuotaReserved
                    message: Quota reserved in ClusterQueue team-a-gpus
                  - type: Admitted
                    status: "True"
                    reason: Admitted
                    message: The workload is admitted
                """));

        assertThat(admission.admitted()).isTrue();
        assertThat(admission.considered()).isTrue();
        assertThat(admission.reason()).isEqualTo("Admitted");
        assertThat(admission.clusterQueue()).isEqualTo("team-a-gpus");
    }

    @Test
    void aWorkloadKueueHasNotLookedAtYetIsPendingAndNotConsidered() {
        KueueWorkloads.Admission admission = KueueWorkloads.admission(workload(""));

        assertThat(admission.admitted()).isFalse();
        assertThat(admission.considered()).isFalse();
        assertThat(admission.reason()).isEqualTo("Pending");
    }

    @Test
    void anEvictedWorkloadWaitingForQuotaAgainReportsWhyItIsNotAdmitted() {
        KueueWorkloads.Admission admission = KueueWorkloads.admission(workload("""
                status:
                  conditions:
                  - type: Admitted
                    status: "False"
                    reason: NoReservation
                    message: The workload has no reservation
                """));

        assertThat(admission.admitted()).isFalse();
        assertThat(admission.considered()).isTrue();
        assertThat(admission.reason()).isEqualTo("NoReservation");
    }
}
