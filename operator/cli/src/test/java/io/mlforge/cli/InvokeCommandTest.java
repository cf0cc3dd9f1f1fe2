package io.mlforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvokeCommandTest {
    @Test
    void parsesOptionsAsKubectlDoes() {
        InvokeCommand c = InvokeCommand.parse(new String[] {
            "endpoint/churn",
            "-n",
            "ml",
            "--variant=canary",
            "--content-type",
            "text/csv",
            "--accept",
            "application/json",
            "-d",
            "1,2,3",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            "http://127.0.0.1:4566"
        });
        assertThat(c.name).isEqualTo("churn");
        assertThat(c.namespace).isEqualTo("ml");
        assertThat(c.variant).isEqualTo("canary");
        assertThat(c.contentType).isEqualTo("text/csv");
        assertThat(c.accept).isEqualTo("application/json");
        assertThat(c.body).isEqualTo("1,2,3");
        assertThat(c.region).isEqualTo("eu-west-1");
        assertThat(c.endpoint.toString()).isEqualTo("http://127.0.0.1:4566");
        assertThat(InvokeCommand.parse(new String[] {"churn", "--body", "{}"}).contentType)
                .isEqualTo("application/json");
    }

    @Test
    void theBodyComesFromAFileStandardInputOrTheArgument(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("request.csv");
        Files.writeString(file, "4,5,6\n");
        var stdin = new ByteArrayInputStream("7,8,9".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(
                        InvokeCommand.parse(new String[] {"e", "--body", "@" + file})
                                .payload(stdin),
                        StandardCharsets.UTF_8))
                .isEqualTo("4,5,6\n");
        assertThat(new String(
                        InvokeCommand.parse(new String[] {"e", "--body", "-"}).payload(stdin), StandardCharsets.UTF_8))
                .isEqualTo("7,8,9");
        assertThat(new String(
                        InvokeCommand.parse(new String[] {"e", "--body", "1,2"}).payload(stdin),
                        StandardCharsets.UTF_8))
                .isEqualTo("1,2");
        assertThatThrownBy(() -> InvokeCommand.parse(new String[] {"e", "--body", "@" + tmp.resolve("missing")})
                        .payload(stdin))
                .isInstanceOf(MlforgeCli.CliException.class)
                .hasMessageContaining("cannot read the request body");
    }

    @Test
    void usageErrorsExitWithTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = MlforgeCli.run(
                new String[] {"invoke", "churn"},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--body @FILE, --body - (stdin) or --body TEXT");
        assertThatThrownBy(() -> InvokeCommand.parse(new String[] {"a", "b", "--body", "x"}))
                .hasMessageContaining("one Endpoint at a time");
        assertThatThrownBy(() -> InvokeCommand.parse(new String[] {"a", "--bogus", "--body", "x"}))
                .hasMessageContaining("unknown option --bogus");
    }
}
