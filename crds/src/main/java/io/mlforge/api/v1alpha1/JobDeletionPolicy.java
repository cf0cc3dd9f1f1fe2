package io.mlforge.api.v1alpha1;

/** What happens to a running SageMaker job when its Kubernetes resource is deleted. */
public enum JobDeletionPolicy {
    /** Stop the SageMaker job and wait until SageMaker reports it Stopped before the resource goes away. */
    Stop,
    /** Leave the SageMaker job running; only the Kubernetes resource goes away. */
    Retain
}
