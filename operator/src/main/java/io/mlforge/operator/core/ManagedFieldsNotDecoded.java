package io.mlforge.operator.core;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The operator's client skips {@code metadata.managedFields} in every object it reads from kube-apiserver: watch
 * events, lists, and the responses to its own writes. Server-side apply's bookkeeping is a third of a pod's JSON and
 * decodes into nested maps; the operator never reads it, and {@link PrunedItemStore} dropped it from the caches
 * only after it was decoded. With 10,000 TrainingJobs the operator reads about 100,000 pods and TrainingJobs.
 *
 * <p>Nothing is lost on the way back: the operator never sends managedFields either, and kube-apiserver keeps an
 * object's managedFields when an update leaves the field out.
 */
@Singleton
public class ManagedFieldsNotDecoded implements KubernetesClientObjectMapperCustomizer {
    @JsonIgnoreProperties("managedFields")
    abstract static class WithoutManagedFields {}

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    }
}
