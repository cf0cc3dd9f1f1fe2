package io.mlforge.operator.kueue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Kueue as the operator sees it: the Workload Kueue makes of a TrainingJob attempt's pod group (same name as the
 * group, in the job's namespace), read to tell users why the attempt waits. Only read, and only while an attempt's
 * pods are held by Kueue's admission gate; everything else about admission the operator learns from the pods.
 */
@Singleton
public class KueueWorkloads {
    private static final Logger LOG = Logger.getLogger(KueueWorkloads.class);

    static final ResourceDefinitionContext WORKLOADS = new ResourceDefinitionContext.Builder()
            .withGroup("kueue.x-k8s.io")
            .withVersion("v1beta2")
            .withPlural("workloads")
            .withKind("Workload")
            .withNamespaced(true)
            .build();

    /**
     * Where a workload stands in its queue.
     *
     * @param admitted     Kueue admitted it (its pods are released to the scheduler)
     * @param reason       Kueue's reason (Pending, QuotaReserved, Admitted, ...)
     * @param message      Kueue's message, e.g. "couldn't assign flavors to pod set ...: insufficient unused quota ..."
     * @param clusterQueue the ClusterQueue it was admitted to, or null
     */
    public record Admission(boolean admitted, String reason, String message, String clusterQueue) {
        /** Kueue has looked at the workload: it carries Kueue's verdict (a QuotaReserved or Admitted condition). */
        public boolean considered() {
            return !NOT_CONSIDERED.equals(message);
        }
    }

    static final String NOT_CONSIDERED = "not yet considered by Kueue";

    @Inject
    KubernetesClient client;

    /**
     * The admission state of the pod group's Workload; empty when there is none yet (Kueue makes it once all pods of
     * the group exist), Kueue's API is not installed, or the operator may not read Workloads.
     */
    public Optional<Admission> admission(String namespace, String podGroup) {
        try {
            GenericKubernetesResource workload = client.genericKubernetesResources(WORKLOADS)
                    .inNamespace(namespace)
                    .withName(podGroup)
                    .get();
            return workload == null ? Optional.empty() : Optional.of(admission(workload));
        } catch (KubernetesClientException e) {
            LOG.debugf("cannot read Kueue workload %s/%s: %s", namespace, podGroup, e.getMessage());
            return Optional.empty();
        }
    }

    /** Reads a Workload's conditions: Admitted, else QuotaReserved (why quota is not reserved yet), else pending. */
    @SuppressWarnings("unchecked")
    public static Admission admission(GenericKubernetesResource workload) {
        Map<String, Object> status = workload.get("status") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
        List<Map<String, Object>> conditions =
                status.get("conditions") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
        String clusterQueue = status.get("admission") instanceof Map<?, ?> a
                ? (String) ((Map<String, Object>) a).get("clusterQueue")
                : null;
        Map<String, Object> admitted = condition(conditions, "Admitted");
        if (admitted != null && "True".equals(admitted.get("status"))) {
            return new Admission(true, "Admitted", text(admitted.get("message")), clusterQueue);
        }
        Map<String, Object> quota = condition(conditions, "QuotaReserved");
        if (quota != null && "False".equals(quota.get("status"))) {
            return new Admission(false, text(quota.get("reason")), text(quota.get("message")), clusterQueue);
        }
        if (admitted != null) {
            return new Admission(false, text(admitted.get("reason")), text(admitted.get("message")), clusterQueue);
        }
        return new Admission(false, "Pending", NOT_CONSIDERED, clusterQueue);
    }

    private static Map<String, Object> condition(List<Map<String, Object>> conditions, String type) {
        return conditions.stream()
                .filter(c -> type.equals(c.get("type")))
                .findFirst()
                .orElse(null);
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
