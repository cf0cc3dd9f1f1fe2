package io.mlforge.operator.training.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.api.v1alpha1.MetricDefinition;
import io.mlforge.api.v1alpha1.MetricSeries;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogMetricsTest {
    static Stream<Arguments> sageMakerStyleDefinitions() {
        return Stream.of(
                Arguments.of("keras", "val_acc: ([0-9\\.]+)", "Epoch 3/10 - loss: 0.41 - val_acc: 0.8731", 0.8731),
                Arguments.of(
                        "xgboost",
                        ".*\\[[0-9]+\\].*#011validation-mlogloss:([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*",
                        "[12]#011train-mlogloss:0.2345#011validation-mlogloss:0.3456",
                        0.3456),
                Arguments.of("scientific", "loss=([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)", "step 100 loss=1.5e-03", 0.0015),
                Arguments.of("negative", "reward ([-0-9.]+)", "episode 7 reward -12.5", -12.5),
                Arguments.of(
                        "huggingface",
                        "'eval_accuracy': ([0-9.]+)",
                        "{'eval_loss': 0.3, 'eval_accuracy': 0.912, 'epoch': 2.0}",
                        0.912));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sageMakerStyleDefinitions")
    void firstGroupOfTheFirstMatchIsTheValue(String name, String regex, String line, double expected) {
        LogMetrics metrics = new LogMetrics(List.of(new MetricDefinition("m", regex)), 10);
        metrics.accept(line, "2026-11-21T10:00:00Z");
        assertThat(metrics.latest()).containsEntry("m", expected);
    }

    @Test
    void latestValueWinsAndHistoryIsBoundedToTheNewestPoints() {
        LogMetrics metrics = new LogMetrics(
                List.of(new MetricDefinition("loss", "loss=([0-9.]+)"), new MetricDefinition("acc", "acc=([0-9.]+)")),
                3);
        for (int i = 1; i <= 5; i++) {
            metrics.accept(
                    "epoch " + i + " loss=" + (1.0 / i) + (i % 2 == 0 ? " acc=0." + i : ""),
                    "2026-11-21T10:00:0" + i + "Z");
        }
        metrics.accept("no metric on this line", "2026-11-21T10:00:06Z");
        assertThat(metrics.latest()).containsEntry("loss", 0.2).containsEntry("acc", 0.4);
        MetricSeries loss = metrics.history().stream()
                .filter(s -> s.name.equals("loss"))
                .findFirst()
                .orElseThrow();
        assertThat(loss.points).extracting(p -> p.step).containsExactly(3L, 4L, 5L);
        assertThat(loss.points.get(2).timestamp).isEqualTo("2026-11-21T10:00:05Z");
        MetricSeries acc = metrics.history().stream()
                .filter(s -> s.name.equals("acc"))
                .findFirst()
                .orElseThrow();
        assertThat(acc.points)
                .extracting(p -> p.step)
                .as("steps count each metric's own values")
                .containsExactly(1L, 2L);
    }

    @Test
    void unparsableValuesAndNonFiniteNumbersAreSkipped() {
        LogMetrics metrics = new LogMetrics(List.of(new MetricDefinition("m", "m=(\\S+)")), 10);
        metrics.accept("m=0.5", "t1");
        metrics.accept("m=abc", "t2");
        metrics.accept("m=NaN", "t3");
        metrics.accept("m=Infinity", "t4");
        assertThat(metrics.latest()).containsEntry("m", 0.5);
        assertThat(metrics.history().get(0).points).hasSize(1);
    }

    @Test
    void invalidRegexIsReportedNotThrown() {
        LogMetrics metrics = new LogMetrics(
                List.of(new MetricDefinition("bad", "acc=([0-9.]+"), new MetricDefinition("ok", "ok=([0-9]+)")), 10);
        metrics.accept("acc=0.9 ok=3", "t");
        assertThat(metrics.invalidDefinitions()).containsKey("bad");
        assertThat(metrics.latest()).containsOnlyKeys("ok");
    }

    @Test
    void restoredStateContinuesTheSteps() {
        LogMetrics before = new LogMetrics(List.of(new MetricDefinition("loss", "loss=([0-9.]+)")), 10);
        before.accept("loss=0.9", "2026-11-21T10:00:01Z");
        before.accept("loss=0.8", "2026-11-21T10:00:02Z");
        LogMetrics after = new LogMetrics(List.of(new MetricDefinition("loss", "loss=([0-9.]+)")), 10);
        after.restore(before.latest(), before.history());
        after.accept("loss=0.7", "2026-11-21T10:00:03Z");
        assertThat(after.history().get(0).points).extracting(p -> p.step).containsExactly(1L, 2L, 3L);
    }

    @Test
    void timestampedReadsSkipWhatTheCursorAlreadyCovered() {
        String first = "2026-11-21T10:00:01.100Z a\n2026-11-21T10:00:02.500Z b\n2026-11-21T10:00:02.500Z c\n";
        TimestampedLog.Read read = TimestampedLog.after(first, TimestampedLog.Cursor.START);
        assertThat(read.lines()).extracting(TimestampedLog.Line::text).containsExactly("a", "b", "c");
        assertThat(read.cursor()).isEqualTo(new TimestampedLog.Cursor(Instant.parse("2026-11-21T10:00:02.500Z"), 2));
        // sinceTime=10:00:02 repeats b and c; garbage and lines without a timestamp are ignored.
        String second =
                "2026-11-21T10:00:02.500Z b\n2026-11-21T10:00:02.500Z c\nnot a log line\n{\"kind\":\"Pod\"}\n2026-11-21T10:00:03Z d\n";
        TimestampedLog.Read next = TimestampedLog.after(second, read.cursor());
        assertThat(next.lines()).extracting(TimestampedLog.Line::text).containsExactly("d");
        assertThat(next.cursor()).isEqualTo(new TimestampedLog.Cursor(Instant.parse("2026-11-21T10:00:03Z"), 1));
    }
}
