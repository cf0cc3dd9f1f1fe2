package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Where serving pods keep unpacked models so a second replica or a restarted pod does not download them again: a
 * directory on each node (hostPath, for clusters whose namespaces allow it) or a ReadWriteMany claim shared by every
 * node.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.source != 'Claim' || has(self.claimName)",
        message = "modelCache.source Claim needs claimName: a ReadWriteMany PersistentVolumeClaim in this namespace",
        reason = "FieldValueRequired")
@ValidationRule(
        value = "self.source == 'Claim' || !has(self.claimName)",
        message =
                "modelCache.claimName is for source Claim; source Node uses the directory the operator is configured with")
public class ModelCacheConfig {
    /** Which volume holds the cache. */
    public enum Source {
        Node,
        Claim
    }

    @Default("Node")
    @JsonPropertyDescription(
            "Node: a directory on each node (hostPath at the operator's mlforge.serving.model-cache-host-path; the namespace must allow hostPath volumes, which the baseline and restricted Pod Security Standards do not), one download per node. Claim: the ReadWriteMany PersistentVolumeClaim claimName, one download for the whole cluster, allowed under the restricted standard.")
    public Source source;

    @Size(max = 253)
    @Pattern(ApiConstants.DNS1123_SUBDOMAIN)
    @JsonPropertyDescription("The PersistentVolumeClaim (ReadWriteMany, in the Endpoint's namespace) for source Claim.")
    public String claimName;

    @JsonPropertyDescription(
            "Most bytes of unpacked models kept; after an install the least recently used models go until the rest fit (never the one in use by the pod installing). Default 20Gi.")
    public Quantity maxSize;
}
