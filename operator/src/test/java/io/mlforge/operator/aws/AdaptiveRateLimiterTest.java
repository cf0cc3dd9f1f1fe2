package io.mlforge.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlforge.sagemaker.emulator.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdaptiveRateLimiterTest {
    final ManualClock clock = new ManualClock(Instant.parse("2026-11-21T00:00:00Z"));
    final List<Duration> slept = new ArrayList<>();
    final AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(
            new AdaptiveRateLimiter.Limits(
                    10,
                    0.5,
                    Duration.ofMillis(500),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2)),
            clock,
            new SplittableRandom(7),
            d -> {
                slept.add(d);
                clock.advance(d);
            });

    @Test
    void aBurstOfTheRateGoesThroughThenCallsAreSpacedAtTheRate() {
        for (int i = 0; i < 10; i++) {
            limiter.acquire("us-east-1");
        }
        assertThat(slept).isEmpty();
        limiter.acquire("us-east-1");
        limiter.acquire("us-east-1");
        assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(100));
        limiter.acquire("eu-west-1");
        assertThat(slept).as("another account or region has its own bucket").hasSize(2);
    }

    @Test
    void throttlingHalvesTheRateAndBacksOffWithGrowingJitteredWaits() {
        Duration first = limiter.throttled("us-east-1");
        assertThat(limiter.rate("us-east-1")).isEqualTo(5.0);
        assertThat(first).isBetween(Duration.ZERO, Duration.ofMillis(500));
        assertThat(first).isPositive();
        limiter.acquire("us-east-1");
        assertThat(slept)
                .as("a backoff within the longest wait is slept through")
                .singleElement()
                .satisfies(d -> assertThat(d).isGreaterThanOrEqualTo(first));
        assertThatThrownBy(() -> limiter.acquire("us-east-1", Duration.ZERO))
                .as("a caller that may not wait is told to come back")
                .isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("client-side limit now 5.0 calls/s");
        List<Duration> backoffs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            backoffs.add(limiter.throttled("us-east-1"));
        }
        assertThat(limiter.rate("us-east-1")).as("never below the floor").isEqualTo(0.5);
        assertThat(backoffs).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(30)));
        assertThat(backoffs.get(7))
                .as("the ceiling doubled each time: 0.5 s × 2^8 capped at 30 s")
                .isGreaterThan(Duration.ofSeconds(1));
        assertThat(backoffs.stream().distinct().count())
                .as("jittered, not lockstep")
                .isEqualTo(8);
    }

    @Test
    void whenTheNextTokenIsFartherThanTheLongestWaitTheCallerIsToldWhenToComeBack() {
        for (int i = 0; i < 9; i++) {
            limiter.throttled("us-east-1");
        }
        clock.advance(Duration.ofSeconds(31)); // past every backoff; rate is 0.5/s
        limiter.acquire("us-east-1");
        assertThatThrownBy(() -> limiter.acquire("us-east-1"))
                .isInstanceOfSatisfying(
                        RateLimitedException.class,
                        e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
    }

    /** How long {@code claimant} (null: none) is told to wait, in milliseconds (rounded: the rates are doubles). */
    private long refusedFor(String claimant) {
        try {
            limiter.acquire("us-east-1", Duration.ZERO, claimant);
        } catch (RateLimitedException e) {
            return Math.round(e.retryAfter().toNanos() / 1e6);
        }
        return 0;
    }

    @Test
    void refusedClaimantsKeepTheirTurnSoCallersAreServedInTheOrderTheyCame() {
        for (int i = 0; i < 10; i++) {
            limiter.acquire("us-east-1"); // the burst: 10 tokens
        }
        assertThat(refusedFor("describe a")).isEqualTo(100);
        assertThat(refusedFor("describe b")).isEqualTo(200);
        assertThat(refusedFor("describe c")).isEqualTo(300);
        assertThat(refusedFor(null))
                .as("a caller without a turn waits behind the turns given")
                .isEqualTo(400);

        clock.advance(Duration.ofMillis(150));
        assertThat(refusedFor("describe c")).as("back too early: the same turn").isEqualTo(150);
        assertThat(refusedFor("describe d")).as("a newcomer gets the next turn").isEqualTo(250);
        clock.advance(Duration.ofMillis(150));
        assertThat(refusedFor("describe c"))
                .as("its turn: no further token needed")
                .isZero();
        assertThat(refusedFor("describe a")).isZero();
        assertThat(refusedFor("describe b")).isZero();
        assertThat(refusedFor("describe e"))
                .as("turns used do not move the line: e comes after d")
                .isEqualTo(200);

        for (int i = 0; i < 20; i++) {
            refusedFor("burst " + i);
        }
        assertThat(refusedFor("too far"))
                .as("beyond the horizon (2 s here) a caller gets no turn")
                .isGreaterThan(2000);
        clock.advance(Duration.ofSeconds(30));
        assertThat(refusedFor("describe d"))
                .as("a turn not claimed within its grace is dropped: d is a newcomer again")
                .isZero();
    }

    @Test
    void successfulCallsGrowTheRateBackToTheMaximum() {
        limiter.throttled("us-east-1");
        limiter.throttled("us-east-1");
        assertThat(limiter.rate("us-east-1")).isEqualTo(2.5);
        for (int i = 0; i < 5; i++) {
            limiter.succeeded("us-east-1");
        }
        assertThat(limiter.rate("us-east-1")).isEqualTo(7.5);
        for (int i = 0; i < 5; i++) {
            limiter.succeeded("us-east-1");
        }
        assertThat(limiter.rate("us-east-1")).isEqualTo(10.0);
    }
}
