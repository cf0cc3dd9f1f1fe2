package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
    @Test
    void aHugeMessageIsCutSoTheStatusCanStillBeWritten() {
        String huge = "Pod \"x\" is invalid: spec.tolerations[0].key: Invalid value: \"" + "b".repeat(1_300_000) + "\"";
        List<Condition> conditions = Conditions.set(
                null, Condition.READY, ConditionStatus.False, "CreationRefused", huge, 1L, Instant.EPOCH);
        String message = conditions.get(0).message;
        assertThat(message).hasSize(Conditions.MAX_MESSAGE);
        assertThat(message).startsWith("Pod \"x\" is invalid: spec.tolerations[0].key");
        assertThat(message).endsWith("... (" + huge.length() + " characters, cut)");
    }

    @Test
    void shortMessagesAreKeptAsTheyAre() {
        assertThat(Conditions.capped("training finished")).isEqualTo("training finished");
        assertThat(Conditions.capped(null)).isNull();
        String exact = "m".repeat(Conditions.MAX_MESSAGE);
        assertThat(Conditions.capped(exact)).isSameAs(exact);
    }
}
