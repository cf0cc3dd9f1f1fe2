package io.mlforge.operator.training.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;

/**
 * The objects of one attempt of an in-cluster TrainingJob: one Pod per instance (index 0 is rank 0, host algo-1) and,
 * when there are several, a headless Service through which they find each other ({@code service} is null for one
 * instance: its pod resolves its own host name, algo-1 in the attempt's subdomain, from the /etc/hosts the kubelet
 * writes, and nothing else needs to reach it).
 */
public record PlannedAttempt(String name, Service service, List<Pod> pods) {}
