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

    /**
     * Parses an RFC 3339 timestamp. The form Kubernetes writes ({@code 2026-12-02T04:41:58Z}) is read digit by digit:
     * every reconcile reads the times of conditions, attempts and pods, and {@link Instant#parse} (a general
     * formatter) was a tenth of the operator's reconcile time in a profile. Other forms (fractions, offsets) go
     * through {@link Instant#parse}.
     */
    public static Instant parse(String timestamp) {
        if (timestamp == null) {
            return null;
        }
        if (timestamp.length() == 20
                && timestamp.charAt(4) == '-'
                && timestamp.charAt(7) == '-'
                && timestamp.charAt(10) == 'T'
                && timestamp.charAt(13) == ':'
                && timestamp.charAt(16) == ':'
                && timestamp.charAt(19) == 'Z') {
            int year = digits(timestamp, 0, 4);
            int month = digits(timestamp, 5, 2);
            int day = digits(timestamp, 8, 2);
            int hour = digits(timestamp, 11, 2);
            int minute = digits(timestamp, 14, 2);
            int second = digits(timestamp, 17, 2);
            if (year >= 0
                    && month >= 1
                    && month <= 12
                    && day >= 1
                    && day <= 31
                    && hour >= 0
                    && hour <= 23
                    && minute >= 0
                    && minute <= 59
                    && second >= 0
                    && second <= 59) {
                try {
                    return java.time.LocalDateTime.of(year, month, day, hour, minute, second)
                            .toInstant(java.time.ZoneOffset.UTC);
                } catch (java.time.DateTimeException e) {
                    // e.g. February 30th: let the general parser report it
                }
            }
        }
        return Instant.parse(timestamp);
    }

    /** The number written by {@code length} ASCII digits at {@code from}, or -1. */
    private static int digits(String text, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
