package io.mlforge.api.v1alpha1;

/** Lifecycle phase of a TrainingJob. */
public enum TrainingPhase {
    Pending,
    /** Waiting in a Kueue queue for admission (backend Kubernetes with kubernetes.queueName): no pod holds a node. */
    Queued,
    Starting,
    Running,
    Completed,
    Failed,
    Stopping,
    Stopped,
    Suspended
}
