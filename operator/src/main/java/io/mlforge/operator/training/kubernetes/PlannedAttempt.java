package io.mlforge.operator.training.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;

/**
 * The objects of one attempt of an in-cluster TrainingJob: a headless Service for rendezvous and one Pod per
 * instance (index 0 is rank 0, host algo-1).
 */
public record PlannedAttempt(String name, Service service, List<Pod> pods) {}
