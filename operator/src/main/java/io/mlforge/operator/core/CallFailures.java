package io.mlforge.operator.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Recognises a failed call to a system outside the operator (an AWS service, our own client-side rate limiter) among
 * the exceptions a backend lets through, so that {@link Reconciliation} reports it the same way for every kind and
 * backend: a Throttled or BackendError condition, a Warning Event the first time, a retry. Each boundary package
 * provides one (the AWS one is {@code aws.AwsCallFailures}); core knows none of their exception types.
 */
public interface CallFailures {
    /**
     * A failed call as the resource reports it.
     *
     * @param throttled  the service (or our limiter) asked us to slow down: condition Throttled, else BackendError
     * @param reason     the condition's reason
     * @param message    the condition's and the Event's message
     * @param retryAfter when to look again (null: the backend's own requeue, at the latest one minute)
     */
    record Failure(boolean throttled, String reason, String message, Duration retryAfter) {}

    /** Empty when {@code e} is not a failed call of this boundary (it then propagates to JOSDK's retry). */
    Optional<Failure> classify(RuntimeException e);
}
