package io.mlforge.sagemaker.emulator;

import java.time.Duration;

/** How long SageMaker's steps take in the emulator; {@link #scaled} follows the sandbox's speed. */
public record Timing(
        Duration launch,
        Duration download,
        Duration epoch,
        Duration upload,
        Duration stop,
        Duration endpointCreate,
        Duration endpointUpdate,
        Duration endpointDelete) {
    public static Timing realistic() {
        return new Timing(
                Duration.ofSeconds(4),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                Duration.ofSeconds(8),
                Duration.ofSeconds(8),
                Duration.ofSeconds(3));
    }

    public Timing scaled(double factor) {
        return new Timing(
                s(launch, factor),
                s(download, factor),
                s(epoch, factor),
                s(upload, factor),
                s(stop, factor),
                s(endpointCreate, factor),
                s(endpointUpdate, factor),
                s(endpointDelete, factor));
    }

    private static Duration s(Duration d, double factor) {
        return Duration.ofMillis(Math.max(1, (long) (d.toMillis() * factor)));
    }
}
