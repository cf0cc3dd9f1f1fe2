package io.mlforge.operator.core;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps as Kubernetes writes them in status (second precision, UTC). */
public final class Timestamps {
    private Timestamps() {}

    public static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    public static Instant parse(String timestamp) {
        return timestamp == null ? null : Instant.parse(timestamp);
    }
}
