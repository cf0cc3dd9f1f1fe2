package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    @Test
    void theKubernetesFormIsReadAsInstantParseReadsIt() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(0, 8_000_000_000L));
            String written = Timestamps.format(at);
            assertThat(Timestamps.parse(written)).as(written).isEqualTo(Instant.parse(written));
        }
        assertThat(Timestamps.parse("2024-02-29T23:59:59Z")).isEqualTo(Instant.parse("2024-02-29T23:59:59Z"));
    }

    @Test
    void otherFormsAndMistakesGoThroughTheGeneralParser() {
        assertThat(Timestamps.parse("2026-12-02T04:41:58.123456Z"))
                .isEqualTo(Instant.parse("2026-12-02T04:41:58.123456Z"));
        assertThat(Timestamps.parse("2026-12-02T05:41:58+01:00")).isEqualTo(Instant.parse("2026-12-02T04:41:58Z"));
        assertThat(Timestamps.parse(null)).isNull();
        assertThatThrownBy(() -> Timestamps.parse("2026-02-30T04:41:58Z")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Timestamps.parse("2026-12-02T24:41:58Z")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Timestamps.parse("2026-1a-02T04:41:58Z")).isInstanceOf(DateTimeParseException.class);
    }
}
