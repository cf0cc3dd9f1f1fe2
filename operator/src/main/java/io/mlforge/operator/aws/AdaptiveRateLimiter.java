package io.mlforge.operator.aws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Client-side rate limit of AWS calls, one token bucket per account and region (the key). The bucket refills at a
 * rate that halves on every ThrottlingException and grows back by a tenth of the maximum on each successful call
 * (additive increase, multiplicative decrease, as the AWS SDKs' adaptive retry mode). After a throttle, calls wait a
 * "full jitter" exponential backoff: a uniformly random time up to {@code base × 2^n} (capped), n counting the
 * throttles in a row, so many reconcilers hitting one limit spread out instead of retrying in lockstep.
 *
 * <p>{@link #acquire} never blocks for long: when the next token is more than {@code maxWait} away it throws
 * {@link RateLimitedException} with the time to come back, and the caller reports Throttled and requeues. A caller that
 * names itself (a claimant: the call and the job it is for) keeps its turn: the token it will use is taken when it is
 * refused, and when it comes back at that time it goes first, so callers are served in the order they came instead of
 * whoever retries at the right moment (with 1,000 jobs wanting calls at once, some waited a minute while others went
 * through at their first retry). Turns are given up to {@code turnHorizon} ahead; a turn not claimed soon after its
 * time is dropped.
 */
public final class AdaptiveRateLimiter {
    /**
     * Limits: maximum (and initial) rate in calls per second, floor of the rate, backoff base and cap, longest wait,
     * and how far ahead a refused claimant gets a turn.
     */
    public record Limits(
            double maxRate,
            double minRate,
            Duration backoffBase,
            Duration backoffCap,
            Duration maxWait,
            Duration turnHorizon) {
        public static Limits of(double callsPerSecond) {
            return new Limits(
                    callsPerSecond,
                    Math.min(0.5, callsPerSecond),
                    Duration.ofMillis(500),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(15));
        }
    }

    /** How long after its time a turn is kept for its claimant. */
    static final Duration TURN_GRACE = Duration.ofSeconds(10);

    /** Sleeps the calling thread; a test substitutes one that advances a manual clock. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final class Bucket {
        double rate;
        double tokens;
        Instant refilled;
        Instant backoffUntil = Instant.EPOCH;
        int throttlesInARow;
        /** Claimants refused with a turn, and the time of their turn (their token is taken). */
        final Map<String, Instant> turns = new HashMap<>();
    }

    private final Limits limits;
    private final Clock clock;
    private final RandomGenerator random;
    private final Sleeper sleeper;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public AdaptiveRateLimiter(Limits limits, Clock clock, RandomGenerator random, Sleeper sleeper) {
        this.limits = limits;
        this.clock = clock;
        this.random = random;
        this.sleeper = sleeper;
    }

    public static AdaptiveRateLimiter of(double callsPerSecond) {
        return new AdaptiveRateLimiter(
                Limits.of(callsPerSecond),
                Clock.systemUTC(),
                RandomGenerator.getDefault(),
                d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000)));
    }

    /** Takes a token for one call under {@code key}, waiting up to maxWait for it; else throws RateLimitedException. */
    public void acquire(String key) {
        acquire(key, limits.maxWait());
    }

    /**
     * Takes a token, waiting up to {@code maxWait} (a caller that may block, such as the one thread polling for
     * changes of every job, waits its turn instead of being refused while reconciles use the budget).
     */
    public void acquire(String key, Duration maxWait) {
        acquire(key, maxWait, null);
    }

    /**
     * Takes a token for {@code claimant} (null: a caller without a turn), waiting up to {@code maxWait}. A claimant
     * refused with a turn comes back at the time the exception gives and goes first.
     */
    public void acquire(String key, Duration maxWait, String claimant) {
        Duration wait;
        Bucket bucket = buckets.computeIfAbsent(key, k -> newBucket());
        synchronized (bucket) {
            Instant now = clock.instant();
            refill(bucket, now);
            Duration backoff =
                    now.isBefore(bucket.backoffUntil) ? Duration.between(now, bucket.backoffUntil) : Duration.ZERO;
            if (backoff.compareTo(maxWait) > 0) {
                throw new RateLimitedException(key, backoff, bucket.rate);
            }
            Instant turn = claimant == null ? null : bucket.turns.remove(claimant);
            if (turn != null && now.isBefore(turn.plus(TURN_GRACE))) {
                wait = now.isBefore(turn) ? Duration.between(now, turn) : Duration.ZERO; // its token is taken
                if (wait.compareTo(maxWait) > 0) {
                    bucket.turns.put(claimant, turn); // came back early: same turn
                    throw new RateLimitedException(key, wait, bucket.rate);
                }
                wait = wait.compareTo(backoff) < 0 ? backoff : wait;
            } else {
                bucket.turns.values().removeIf(t -> !now.isBefore(t.plus(TURN_GRACE)));
                bucket.tokens -= 1; // reserve now; a negative balance is the wait of this caller
                wait = bucket.tokens >= 0
                        ? Duration.ZERO
                        : Duration.ofNanos((long) (-bucket.tokens / bucket.rate * 1e9));
                wait = wait.compareTo(backoff) < 0 ? backoff : wait;
                if (wait.compareTo(maxWait) > 0) {
                    if (claimant != null && wait.compareTo(limits.turnHorizon()) <= 0) {
                        bucket.turns.put(claimant, now.plus(wait)); // keeps the token it reserved
                    } else {
                        bucket.tokens += 1;
                    }
                    throw new RateLimitedException(key, wait, bucket.rate);
                }
            }
        }
        if (!wait.isZero()) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RateLimitedException(key, wait, rate(key));
            }
        }
    }

    /**
     * Runs one AWS call under {@code key}'s limit (waiting up to {@code maxWait}, null: the default) and adapts the rate
     * to the answer: throttling slows it down, any other answer counts as accepted.
     */
    public <T> T call(String key, Duration maxWait, java.util.function.Supplier<T> call) {
        return call(key, maxWait, null, call);
    }

    /** {@link #call(String, Duration, java.util.function.Supplier)} for a claimant that keeps its turn when refused. */
    public <T> T call(String key, Duration maxWait, String claimant, java.util.function.Supplier<T> call) {
        acquire(key, maxWait == null ? limits.maxWait() : maxWait, claimant);
        try {
            T result = call.get();
            succeeded(key);
            return result;
        } catch (software.amazon.awssdk.awscore.exception.AwsServiceException e) {
            if (e.isThrottlingException()) {
                throttled(key);
            } else {
                succeeded(key); // answered (an error about the request, not about the rate)
            }
            throw e;
        }
    }

    /** The service accepted a call: the rate grows back towards the maximum. */
    public void succeeded(String key) {
        Bucket bucket = buckets.computeIfAbsent(key, k -> newBucket());
        synchronized (bucket) {
            bucket.throttlesInARow = 0;
            bucket.rate = Math.min(limits.maxRate(), bucket.rate + limits.maxRate() / 10);
        }
    }

    /** The service answered ThrottlingException: halve the rate and back off for a jittered, growing time. */
    public Duration throttled(String key) {
        Bucket bucket = buckets.computeIfAbsent(key, k -> newBucket());
        synchronized (bucket) {
            Instant now = clock.instant();
            refill(bucket, now);
            bucket.rate = Math.max(limits.minRate(), bucket.rate / 2);
            bucket.tokens = Math.min(bucket.tokens, 0);
            long ceiling = Math.min(
                    limits.backoffCap().toMillis(),
                    limits.backoffBase().toMillis() << Math.min(20, bucket.throttlesInARow));
            bucket.throttlesInARow++;
            Duration backoff = Duration.ofMillis((long) (random.nextDouble() * ceiling));
            Instant until = now.plus(backoff);
            if (until.isAfter(bucket.backoffUntil)) {
                bucket.backoffUntil = until;
            }
            return backoff;
        }
    }

    /** The current rate of a key in calls per second. */
    public double rate(String key) {
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            return limits.maxRate();
        }
        synchronized (bucket) {
            return bucket.rate;
        }
    }

    private Bucket newBucket() {
        Bucket bucket = new Bucket();
        bucket.rate = limits.maxRate();
        bucket.tokens = Math.max(1, limits.maxRate());
        bucket.refilled = clock.instant();
        return bucket;
    }

    private void refill(Bucket bucket, Instant now) {
        double elapsed = Duration.between(bucket.refilled, now).toNanos() / 1e9;
        if (elapsed > 0) {
            bucket.tokens = Math.min(Math.max(1, bucket.rate), bucket.tokens + elapsed * bucket.rate);
            bucket.refilled = now;
        }
    }
}
