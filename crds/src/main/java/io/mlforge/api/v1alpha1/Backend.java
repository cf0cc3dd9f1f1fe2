package io.mlforge.api.v1alpha1;

/** Where a resource runs. The same spec works on either; this one field chooses. */
public enum Backend {
    /** Pods in this cluster, managed by the operator. */
    Kubernetes,
    /** Amazon SageMaker, through the AWS API. */
    SageMaker
}
