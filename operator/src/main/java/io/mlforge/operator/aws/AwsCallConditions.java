package io.mlforge.operator.aws;

import io.mlforge.operator.core.Outcome;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.operator.core.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The conditions an AWS backend reports about its calls: {@value #THROTTLED} while calls are throttled (by the
 * service or the client-side limit) and {@value #BACKEND_ERROR} while they fail otherwise; both turn False when the
 * service answers again. Shared by the SageMaker backends of TuningJobs and Endpoints.
 */
public final class AwsCallConditions {
    public static final String THROTTLED = "Throttled";
    public static final String BACKEND_ERROR = "BackendError";

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
        String message = service + " call failed, retrying: " + e.getMessage();
        if (!Conditions.isTrue(conditions, type)) {
            events.warning(type, message);
        }
        List<Condition> updated = Conditions.set(conditions, type, ConditionStatus.True, throttled ? "ThrottlingException" : "CallFailed", message,
                generation, now);
        return new Failure(updated, e instanceof RateLimitedException r ? r.retryAfter().plusSeconds(1) : defaultRetry);
    }
}
