package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store that drops, as each object enters the cache, the fields the operator never reads, as
 * Kubernetes' own controllers do with an informer transform: {@code metadata.managedFields} always (server-side apply
 * bookkeeping, often a third of an object), and for the pods of training attempts their spec but the node and the scheduling gates (the
 * operator reads their labels and status; the spec it wrote is in the planner). With 10,000 jobs the caches hold
 * 10,000 TrainingJobs and 10,000 pods: what they keep is most of the operator's heap.
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
                pod.setSpec(node);
            }
            return pod;
        });
    }

    private static <T extends HasMetadata> T withoutManagedFields(T object) {
        if (object.getMetadata() != null) {
            object.getMetadata().setManagedFields(null);
        }
        return object;
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
