package io.mlforge.operator.training.metrics;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the output of pods/log?timestamps=true into lines after a cursor. The API's sinceTime has second
 * precision, so a read starting at the cursor's second repeats lines: those up to and including the cursor's
 * exact timestamp (and count of lines at it) are skipped.
 */
public final class TimestampedLog {
    /** Position after the last line read: its timestamp and how many lines carried that exact timestamp. */
    public record Cursor(Instant timestamp, int linesAtTimestamp) {
        public static final Cursor START = new Cursor(Instant.EPOCH, 0);
    }

    public record Line(Instant timestamp, String rawTimestamp, String text) {}

    public record Read(List<Line> lines, Cursor cursor) {}

    private TimestampedLog() {}

    public static Read after(String log, Cursor cursor) {
        List<Line> lines = new ArrayList<>();
        Instant last = cursor.timestamp();
        int atLast = cursor.linesAtTimestamp();
        int seenAtCursor = 0;
        for (String raw : log.split("\n")) {
            int space = raw.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            Instant ts;
            try {
                ts = Instant.parse(raw.substring(0, space));
            } catch (DateTimeParseException e) {
                continue; // not a kubelet log line
            }
            if (ts.isBefore(cursor.timestamp())) {
                continue;
            }
            if (ts.equals(cursor.timestamp()) && seenAtCursor < cursor.linesAtTimestamp()) {
                seenAtCursor++;
                continue;
            }
            lines.add(new Line(ts, raw.substring(0, space), raw.substring(space + 1)));
            if (ts.equals(last)) {
                atLast++;
            } else if (ts.isAfter(last)) {
                last = ts;
                atLast = 1;
            }
        }
        return new Read(lines, new Cursor(last, atLast));
    }
}
