package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the status of MLForge resources and makes reconciles read their own writes.
 *
 * <p>An informer's cache can lag behind a status the operator has just written; a reconcile that starts from the
 * older status would repeat decisions and act on them (a second attempt after a failure already recorded). So:
 * status is written with optimistic locking (PUT of the status subresource with the resourceVersion it was based
 * on), and a reconcile handed an object older than the newest one known (the operator's own write, or what the
 * informer has stored since: {@link #cached}) starts from the newest instead. Status belongs to
 * the operator alone, so on a conflict (the user changed the spec meanwhile) the status is applied to the newest
 * object and written again. Every status written gets its kstatus conditions ({@link ProgressConditions}).
 */
@Singleton
public class StatusWriter {
    private final Map<String, CustomResource<?, ?>> written = new ConcurrentHashMap<>();

    @Inject
    KubernetesClient client;

    @Inject
    java.time.Clock clock;

    /** The cached resource, or what this operator last wrote for it if the cache has not seen that yet. */
    @SuppressWarnings("unchecked")
    public <R extends CustomResource<?, ?>> R fresh(R cached) {
        CustomResource<?, ?> last = written.get(cached.getMetadata().getUid());
        if (last == null) {
            return cached;
        }
        if (isOlder(
                cached.getMetadata().getResourceVersion(), last.getMetadata().getResourceVersion())) {
            // The newest object the operator knows of: its own last write, or what the cache has since received.
            return (R) client.getKubernetesSerialization().clone(last);
        }
        return cached;
    }

    /** Writes {@code resource}'s status; returns the stored object. */
    @SuppressWarnings("unchecked")
    public <R extends CustomResource<?, ?>> R write(R resource) {
        ProgressConditions.apply(resource.getStatus(), clock.instant());
        R stored;
        try {
            stored = client.resource(resource).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            R latest = (R) client.resource(resource).get();
            if (latest == null) {
                return resource; // deleted meanwhile
            }
            ((CustomResource<Object, Object>) latest).setStatus(resource.getStatus());
            stored = client.resource(latest).updateStatus();
        }
        stored.getMetadata().setManagedFields(null); // as the cache keeps it (PrunedItemStore)
        written.put(stored.getMetadata().getUid(), stored);
        return stored;
    }

    /**
     * Adds {@code finalizer} to {@code resource} (a JSON patch, retried on conflict); the stored object is what later
     * reconciles start from until the cache has it.
     */
    public <R extends CustomResource<?, ?>> R addFinalizer(R resource, String finalizer) {
        R stored = PrimaryUpdateAndCacheUtils.addFinalizer(client, resource, finalizer);
        if (stored != resource) {
            written.put(stored.getMetadata().getUid(), stored);
        }
        return stored;
    }

    /** Removes {@code finalizer} from {@code resource} (a JSON patch, retried on conflict): the resource may go. */
    public void removeFinalizer(CustomResource<?, ?> resource, String finalizer) {
        try {
            PrimaryUpdateAndCacheUtils.removeFinalizer(client, resource, finalizer);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) { // gone already
                throw e;
            }
        }
        written.remove(resource.getMetadata().getUid());
    }

    /**
     * The informer's cache now holds {@code cached}: it becomes the newest object known for its uid unless this
     * operator wrote a newer one. It must not simply drop what was written: JOSDK hands a reconcile the object its
     * cache held when the reconcile was queued, which can be older than both the write and the cache by the time the
     * reconcile runs (a reconcile that started from it repeated a failure the previous one had already handled). The
     * entry refers to the cached object itself, so it costs no copy; it goes when the resource does.
     */
    public void cached(HasMetadata cached) {
        String uid = cached.getMetadata().getUid();
        if (uid != null && cached instanceof CustomResource<?, ?> resource) {
            written.compute(
                    uid,
                    (key, last) -> last == null
                                    || !isOlder(
                                            cached.getMetadata().getResourceVersion(),
                                            last.getMetadata().getResourceVersion())
                            ? resource
                            : last);
        }
    }

    public void forget(String uid) {
        written.remove(uid);
    }

    /** resourceVersions are opaque, but etcd's (and the test server's) are increasing integers. */
    static boolean isOlder(String candidate, String reference) {
        if (candidate == null || reference == null) {
            return false;
        }
        try {
            return Long.parseLong(candidate) < Long.parseLong(reference);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
