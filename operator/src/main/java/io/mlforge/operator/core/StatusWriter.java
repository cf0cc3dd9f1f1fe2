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
 * on), and the written object is used instead of the cached one until the cache has caught up. Status belongs to
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
            R copy = (R) client.getKubernetesSerialization().clone(last);
            // The spec and metadata come from the newest object the operator knows of; only status may be older.
            return copy;
        }
        written.remove(cached.getMetadata().getUid());
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
     * The informer's cache now holds {@code cached}: what this operator wrote for it is no longer needed once the
     * cache has that version (without this, the last write of every job that is never reconciled again, such as a
     * finished one, would stay here for good).
     */
    public void cached(HasMetadata cached) {
        String uid = cached.getMetadata().getUid();
        if (uid != null) {
            written.computeIfPresent(
                    uid,
                    (key, last) -> isOlder(
                                    cached.getMetadata().getResourceVersion(),
                                    last.getMetadata().getResourceVersion())
                            ? last
                            : null);
        }
    }

    /** How many written objects wait for the cache to catch up (for tests). */
    int pending() {
        return written.size();
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
