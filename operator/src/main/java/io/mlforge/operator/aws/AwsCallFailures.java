package io.mlforge.operator.aws;

import io.mlforge.operator.core.CallFailures;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * How AWS calls fail, decided once for the SageMaker backends of every kind: a ThrottlingException or our client-side
 * limiter's {@link RateLimitedException} is throttling (retried after the limiter's backoff with jitter), any other SDK
 * error a failed call (retried after the shortest poll interval), and {@link #rejected} tells a request SageMaker
 * refused for good from one it failed to answer.
 */
@Singleton
public class AwsCallFailures implements CallFailures {
    static final String SERVICE = "SageMaker";

    @Inject
    SageMakerSettings settings;

    @Override
    public Optional<Failure> classify(RuntimeException e) {
        if (e instanceof RateLimitedException r) {
            // after our own limiter's backoff, plus up to a second of jitter so waiting reconciles do not return
            // together
            return Optional.of(new Failure(
                    true,
                    "ThrottlingException",
                    SERVICE + " throttled calls: " + e.getMessage(),
                    r.retryAfter().plusMillis(ThreadLocalRandom.current().nextLong(1000))));
        }
        if (!(e instanceof SdkException)) {
            return Optional.empty();
        }
        boolean throttled = e instanceof AwsServiceException a && a.isThrottlingException();
        String detail = e instanceof AwsServiceException a ? errorMessage(a) : e.getMessage();
        return Optional.of(new Failure(
                throttled,
                throttled ? "ThrottlingException" : "CallFailed",
                SERVICE + " call failed, retrying: " + detail,
                settings == null ? null : settings.minPollInterval()));
    }

    /**
     * Whether SageMaker refused the request itself (bad input, a quota, missing permission), as opposed to failing to
     * answer: such a request is not retried, the resource fails with SageMaker's message.
     */
    public static boolean rejected(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        return e.statusCode() == 400
                && List.of("ValidationException", "ResourceLimitExceeded", "AccessDeniedException")
                        .contains(code);
    }

    /** An AWS error as "Code: message" (the message alone when the service sent no details). */
    public static String errorMessage(AwsServiceException e) {
        return e.awsErrorDetails() == null
                ? e.getMessage()
                : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
    }
}
