package io.mlforge.operator.aws;

import java.time.Duration;
import java.util.Locale;

/** A call was not sent: the client-side limit of its account and region asks to come back after {@link #retryAfter}. */
public final class RateLimitedException extends RuntimeException {
    private final Duration retryAfter;

    public RateLimitedException(String key, Duration retryAfter, double rate) {
        super(String.format(
                Locale.ROOT,
                "backing off %.1f s before calling %s again (client-side limit now %.1f calls/s)",
                retryAfter.toMillis() / 1000.0,
                key,
                rate));
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
