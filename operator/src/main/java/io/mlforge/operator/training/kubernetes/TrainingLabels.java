package io.mlforge.operator.training.kubernetes;

/** Labels and annotations on the objects the in-cluster backend creates. */
public final class TrainingLabels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "mlforge-operator";
    /** UID of the owning TrainingJob: what the operator selects its pods by. */
    public static final String JOB_UID = "mlforge.io/training-job-uid";
    /** The pod informer's index of pods by the {@link #JOB_UID} label. */
    public static final String PODS_BY_JOB_UID = "pods-by-training-job-uid";
    /** Name of the owning TrainingJob (truncated to a label value), for people. */
    public static final String JOB_NAME = "mlforge.io/training-job";

    public static final String ATTEMPT = "mlforge.io/attempt";
    public static final String REPLICA_INDEX = "mlforge.io/replica-index";

    public static final String KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";
    public static final String KUEUE_POD_GROUP = "kueue.x-k8s.io/pod-group-name";
    public static final String KUEUE_POD_GROUP_TOTAL = "kueue.x-k8s.io/pod-group-total-count";
    /**
     * "false" on every pod of an attempt: Kueue ends the group's Workload (and gives its quota back) once its pods have
     * terminated, instead of waiting for replacement pods. MLForge never repairs an attempt in place; the next attempt
     * is a new group.
     */
    public static final String KUEUE_RETRIABLE_IN_GROUP = "kueue.x-k8s.io/retriable-in-group";
    /** The scheduling gate Kueue puts on the pods of a queue until it admits their group. */
    public static final String KUEUE_ADMISSION_GATE = "kueue.x-k8s.io/admission";
    /**
     * The pod condition Kueue sets before it deletes the pods of a workload it evicts (preemption, a deactivated
     * workload, a pods-ready timeout): reason WorkloadEvicted and Kueue's message.
     */
    public static final String KUEUE_TERMINATION_TARGET = "TerminationTarget";

    public static final String TRAINER = "trainer";
    public static final String PREPARE = "data-prepare";
    public static final String SIDECAR = "data-sync";

    private TrainingLabels() {}
}
