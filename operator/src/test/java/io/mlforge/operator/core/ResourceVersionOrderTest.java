package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceVersionOrderTest {
    @Test
    void onlyNumericallyOlderVersionsCountAsStale() {
        assertThat(StatusWriter.isOlder("41", "42")).isTrue();
        assertThat(StatusWriter.isOlder("42", "42")).isFalse();
        assertThat(StatusWriter.isOlder("100", "99")).as("numeric, not lexical").isFalse();
        assertThat(StatusWriter.isOlder("abc", "42"))
                .as("opaque versions are never judged stale")
                .isFalse();
        assertThat(StatusWriter.isOlder(null, "42")).isFalse();
    }
}
