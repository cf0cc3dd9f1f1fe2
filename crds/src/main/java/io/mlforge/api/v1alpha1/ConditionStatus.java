package io.mlforge.api.v1alpha1;

/** The status of a {@link Condition}, as in Kubernetes' metav1.Condition. */
public enum ConditionStatus {
    True,
    False,
    Unknown
}
