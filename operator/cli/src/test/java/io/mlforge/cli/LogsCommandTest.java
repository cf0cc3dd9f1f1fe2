package io.mlforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogsCommandTest {
    @Test
    void parsesOptionsAsKubectlDoes() {
        LogsCommand c = LogsCommand.parse(new String[] {
            "trainingjob/bert",
            "-n",
            "ml",
            "--attempt=2",
            "-f",
            "--since",
            "10m",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            "http://127.0.0.1:4566",
            "--poll-interval",
            "1s"
        });
        assertThat(c.name).isEqualTo("bert");
        assertThat(c.namespace).isEqualTo("ml");
        assertThat(c.attempt).isEqualTo(2);
        assertThat(c.follow).isTrue();
        assertThat(c.since).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.region).isEqualTo("eu-west-1");
        assertThat(c.endpoint.toString()).isEqualTo("http://127.0.0.1:4566");
        assertThat(c.pollInterval).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void durationsInKubectlAndIsoForm() {
        assertThat(LogsCommand.duration("30s", "--since")).isEqualTo(Duration.ofSeconds(30));
        assertThat(LogsCommand.duration("2h", "--since")).isEqualTo(Duration.ofHours(2));
        assertThat(LogsCommand.duration("1d", "--since")).isEqualTo(Duration.ofDays(1));
        assertThat(LogsCommand.duration("PT90S", "--since")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> LogsCommand.duration("soon", "--since"))
                .hasMessage("--since takes a duration such as 30s, 10m or 2h, not soon");
    }

    @Test
    void badArgumentsAreUsageErrorsWithExitCodeTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(MlforgeCli.run(new String[] {"logs", "a", "--attempt", "0"}, System.out, errStream))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: --attempt must be a number from 1, not 0");
        assertThat(MlforgeCli.run(new String[] {"logs"}, System.out, errStream)).isEqualTo(2);
        assertThat(MlforgeCli.run(new String[] {"logs", "a", "b"}, System.out, errStream))
                .isEqualTo(2);
        assertThat(MlforgeCli.run(new String[] {"logs", "a", "--wat"}, System.out, errStream))
                .isEqualTo(2);
        assertThat(MlforgeCli.run(new String[] {"tail"}, System.out, errStream)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("error: unknown command tail", "Usage: kubectl mlforge logs");
    }

    @Test
    void streamNamesBecomeInstanceNames() {
        assertThat(CloudWatchTrainingLogs.instance("bert-1a2b3c-1/algo-2-1763700000", "bert-1a2b3c-1/"))
                .isEqualTo("algo-2");
        assertThat(CloudWatchTrainingLogs.instance("bert-1a2b3c-1/custom", "bert-1a2b3c-1/"))
                .isEqualTo("custom");
    }
}
