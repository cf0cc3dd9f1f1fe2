package io.mlforge.operator.training.kubernetes;

import java.time.Instant;

/**
 * What the pods of one attempt say about it.
 *
 * @param state              how far the attempt got
 * @param failure            why it failed (state FAILED only)
 * @param trainerStartedAt   when rank 0's trainer started running (RFC 3339), or null
 * @param detail             what the attempt waits for while PENDING or STARTING (e.g. "ImagePullBackOff: ..."), or null
 * @param unschedulable      a pod has not been scheduled for longer than the configured time
 * @param modelArtifacts     where rank 0's data agent uploaded the model (state SUCCEEDED), or null
 * @param scheduledAt        when the first pod of the attempt was scheduled (state STARTING), or null
 * @param acknowledgedAt     when the first pod's kubelet took it up ({@code status.startTime}; state STARTING), or null
 *                           while no kubelet has reported on the attempt's pods
 */
public record AttemptObservation(
        State state,
        Failure failure,
        String trainerStartedAt,
        String detail,
        boolean unschedulable,
        String modelArtifacts,
        Instant scheduledAt,
        Instant acknowledgedAt) {

    public enum State {
        PENDING,
        /** Every pod is held by Kueue's admission gate: the attempt waits in its queue and holds no node. */
        QUEUED,
        STARTING,
        RUNNING,
        SUCCEEDED,
        FAILED
    }

    /**
     * @param infrastructure the cause lies outside the training code (eviction, preemption, node loss): a new attempt may help
     * @param retryable      a new attempt is allowed for this failure (infrastructure, or an exit code listed in retry.onExitCodes)
     * @param reason         CamelCase reason (Evicted, Preempted, PreemptedByKueue, EvictedByKueue, NodeLost, PodLost, OOMKilled, Error, ImagePullBackOff, ...)
     * @param message        what happened, with the trainer's termination message where there is one
     * @param exitCode       the trainer's exit code, if it exited
     * @param pod            the pod that failed first
     */
    public record Failure(
            boolean infrastructure, boolean retryable, String reason, String message, Integer exitCode, String pod) {}

    static AttemptObservation of(State state, String startedAt, String detail, boolean unschedulable) {
        return new AttemptObservation(state, null, startedAt, detail, unschedulable, null, null, null);
    }

    static AttemptObservation starting(
            String startedAt, String detail, boolean unschedulable, Instant scheduledAt, Instant acknowledgedAt) {
        return new AttemptObservation(
                State.STARTING, null, startedAt, detail, unschedulable, null, scheduledAt, acknowledgedAt);
    }

    static AttemptObservation failed(Failure failure) {
        return new AttemptObservation(State.FAILED, failure, null, null, false, null, null, null);
    }
}
