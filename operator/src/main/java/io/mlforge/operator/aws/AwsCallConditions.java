package io.mlforge.operator.aws;

import io.mlforge.operator.core.EventReason;
import io.mlforge.operator.core.Outcome;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.operator.core.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The conditions an AWS backend reports about its calls: {@value #THROTTLED} while calls are throttled (by the
 * service or the client-side limit) and {@value #BACKEND_ERROR} while they fail otherwise; both turn False when the
 * service answers again. The one place that decides this, for the SageMaker backends of every kind.
 */
public final class AwsCallConditions {
    public static final String THROTTLED = Condition.THROTTLED;
    public static final String BACKEND_ERROR = Condition.BACKEND_ERROR;

    private AwsCallConditions() {
    }

    /** After a step whose calls were answered: True conditions turn False. */
    public static List<Condition> answered(List<Condition> conditions, String service, Long generation, Instant now) {
        for (String type : new String[] {THROTTLED, BACKEND_ERROR}) {
            if (Conditions.isTrue(conditions, type)) {
                conditions = Conditions.set(conditions, type, ConditionStatus.False, "Answering", service + " answers again", generation, now);
            }
        }
        return conditions;
    }

    /** The failed call's condition (a Warning Event the first time); {@code retryAfter} says when to try again. */
    public record Failure(List<Condition> conditions, Duration retryAfter) {
    }

    public static Failure failed(List<Condition> conditions, RuntimeException e, String service, Duration defaultRetry, Long generation, Instant now,
            Outcome events) {
        boolean throttled = e instanceof RateLimitedException || e instanceof AwsServiceException a && a.isThrottlingException();
        String type = throttled ? THROTTLED : BACKEND_ERROR;
        String message = e instanceof RateLimitedException ? service + " throttled calls: " + e.getMessage()
                : service + " call failed, retrying: " + (e instanceof AwsServiceException a ? errorMessage(a) : e.getMessage());
        if (!Conditions.isTrue(conditions, type)) {
            events.warning(throttled ? EventReason.THROTTLED : EventReason.BACKEND_ERROR, message);
        }
        List<Condition> updated = Conditions.set(conditions, type, ConditionStatus.True, throttled ? "ThrottlingException" : "CallFailed", message,
                generation, now);
        // after our own limiter's backoff, plus up to a second of jitter so waiting reconciles do not return together
        return new Failure(updated, e instanceof RateLimitedException r ? r.retryAfter().plusMillis(ThreadLocalRandom.current().nextLong(1000))
                : defaultRetry);
    }

    /**
     * Whether SageMaker refused the request itself (bad input, a quota, missing permission), as opposed to failing to
     * answer: such a request is not retried, the resource fails with SageMaker's message.
     */
    public static boolean rejected(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        return e.statusCode() == 400 && List.of("ValidationException", "ResourceLimitExceeded", "AccessDeniedException").contains(code);
    }

    /** An AWS error as "Code: message" (the message alone when the service sent no details). */
    public static String errorMessage(AwsServiceException e) {
        return e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
    }
}
