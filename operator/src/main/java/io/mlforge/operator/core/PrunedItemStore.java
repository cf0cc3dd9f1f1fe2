package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.api.v1alpha1.TrainingJobStatus;
import io.mlforge.api.v1alpha1.TuningJobStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store that drops, as each object enters the cache, the fields the operator never reads, as
 * Kubernetes' own controllers do with an informer transform: {@code metadata.managedFields} always (server-side apply
 * bookkeeping, often a third of an object; the operator's client already skips it while decoding,
 * {@link ManagedFieldsNotDecoded}, so this matters for objects decoded elsewhere), and for the pods of training attempts their spec but the node and the
 * scheduling gates (the operator reads their labels and status; the spec it wrote is in the planner) and the parts of
 * their status it never reads (IPs, container IDs and image digests, the previous container states). With 10,000
 * jobs the caches hold 10,000 TrainingJobs and 10,000 pods: what they keep is most of the operator's heap.
 *
 * <p>The strings that repeat across objects (namespaces, label values, condition types, reasons, messages and
 * timestamps, container names and images) are interned as they enter: the JSON decoder makes a new copy of each for
 * every object, and with 10,000 jobs a million strings were most of the live heap. Interned strings are collected
 * when no cached object refers to them any more.
 *
 * <p>Objects are pruned in place: the informer hands each freshly decoded object to its store first, then to its
 * event handlers, which see the same pruned object.
 */
public final class PrunedItemStore<T extends HasMetadata> implements ItemStore<T> {
    /**
     * Objects per page when an informer lists (at start and after a lost watch), for every informer that has a
     * pruned store: each page is decoded, pruned and stored before the next is fetched. Listed in one piece, 10,000
     * pods arrive as one response decoded whole before anything is pruned, twice the heap the pruned cache needs: the
     * 10,000-job benchmark ran the operator out of its 256 MB heap on a re-list and then on every restart.
     */
    public static final long LIST_PAGE = 500;

    private final BasicItemStore<T> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
    private final UnaryOperator<T> prune;

    private PrunedItemStore(UnaryOperator<T> prune) {
        this.prune = prune;
    }

    /** Keeps everything but {@code metadata.managedFields}. */
    public static <T extends HasMetadata> PrunedItemStore<T> withoutManagedFields() {
        return new PrunedItemStore<>(PrunedItemStore::withoutManagedFields);
    }

    /** Keeps everything but {@code metadata.managedFields}, and tells {@code cached} of each object stored. */
    public static <T extends HasMetadata> PrunedItemStore<T> withoutManagedFields(Consumer<? super T> cached) {
        return new PrunedItemStore<>(object -> {
            withoutManagedFields(object);
            cached.accept(object);
            return object;
        });
    }

    /** Keeps a pod's metadata (without managedFields), its status and the node it runs on. */
    public static PrunedItemStore<Pod> podsByStatus() {
        return new PrunedItemStore<>(pod -> {
            withoutManagedFields(pod);
            if (pod.getSpec() != null) {
                PodSpec node = new PodSpec();
                node.setNodeName(pod.getSpec().getNodeName());
                // Kueue's admission gate tells a queued attempt from a pending one
                node.setSchedulingGates(pod.getSpec().getSchedulingGates());
                node.setNodeName(intern(node.getNodeName()));
                pod.setSpec(node);
            }
            if (pod.getStatus() != null) {
                internReadStatus(pod.getStatus());
            }
            return pod;
        });
    }

    private static void internReadStatus(PodStatus status) {
        status.setHostIP(null);
        status.setHostIPs(null);
        status.setPodIP(null);
        status.setPodIPs(null);
        status.setPhase(intern(status.getPhase()));
        status.setQosClass(intern(status.getQosClass()));
        status.setStartTime(intern(status.getStartTime()));
        status.setReason(intern(status.getReason()));
        if (status.getConditions() != null) {
            for (PodCondition c : status.getConditions()) {
                c.setLastProbeTime(null);
                c.setType(intern(c.getType()));
                c.setStatus(intern(c.getStatus()));
                c.setReason(intern(c.getReason()));
                c.setMessage(intern(c.getMessage()));
                c.setLastTransitionTime(intern(c.getLastTransitionTime()));
            }
        }
        internContainers(status.getContainerStatuses());
        internContainers(status.getInitContainerStatuses());
    }

    private static void internContainers(List<ContainerStatus> statuses) {
        if (statuses == null) {
            return;
        }
        for (ContainerStatus c : statuses) {
            c.setContainerID(null);
            c.setImageID(null);
            c.setLastState(null);
            c.setName(intern(c.getName()));
            c.setImage(intern(c.getImage()));
            ContainerState state = c.getState();
            if (state != null && state.getTerminated() != null) {
                ContainerStateTerminated t = state.getTerminated();
                t.setContainerID(null);
                t.setReason(intern(t.getReason()));
                t.setStartedAt(intern(t.getStartedAt()));
                t.setFinishedAt(intern(t.getFinishedAt()));
            }
            if (state != null && state.getRunning() != null) {
                state.getRunning().setStartedAt(intern(state.getRunning().getStartedAt()));
            }
            if (state != null && state.getWaiting() != null) {
                state.getWaiting().setReason(intern(state.getWaiting().getReason()));
            }
        }
    }

    /** Interns the metadata strings that repeat across objects, and an MLForge resource's condition strings. */
    private static <T extends HasMetadata> T interned(T object) {
        ObjectMeta meta = object.getMetadata();
        if (meta != null) {
            meta.setNamespace(intern(meta.getNamespace()));
            meta.setCreationTimestamp(intern(meta.getCreationTimestamp()));
            meta.setLabels(internValues(meta.getLabels()));
            meta.setAnnotations(internValues(meta.getAnnotations()));
        }
        if (object instanceof CustomResource<?, ?> resource) {
            Object status = resource.getStatus();
            if (status instanceof TrainingJobStatus s) {
                internConditions(s.conditions);
            } else if (status instanceof TuningJobStatus s) {
                internConditions(s.conditions);
            } else if (status instanceof EndpointStatus s) {
                internConditions(s.conditions);
            }
        }
        return object;
    }

    private static void internConditions(List<Condition> conditions) {
        if (conditions == null) {
            return;
        }
        for (Condition c : conditions) {
            c.type = intern(c.type);
            c.reason = intern(c.reason);
            c.message = intern(c.message);
            c.lastTransitionTime = intern(c.lastTransitionTime);
        }
    }

    private static Map<String, String> internValues(Map<String, String> map) {
        if (map == null) {
            return null;
        }
        Map<String, String> interned = new java.util.LinkedHashMap<>(map.size() * 4 / 3 + 1);
        map.forEach((key, value) -> interned.put(intern(key), intern(value)));
        return interned;
    }

    private static String intern(String value) {
        return value == null ? null : value.intern();
    }

    private static <T extends HasMetadata> T withoutManagedFields(T object) {
        if (object.getMetadata() != null) {
            object.getMetadata().setManagedFields(null);
        }
        return interned(object);
    }

    @Override
    public String getKey(T object) {
        return items.getKey(object);
    }

    @Override
    public T put(String key, T object) {
        return items.put(key, prune.apply(object));
    }

    @Override
    public T remove(String key) {
        return items.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet();
    }

    @Override
    public Stream<T> values() {
        return items.values();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public T get(String key) {
        return items.get(key);
    }
}
