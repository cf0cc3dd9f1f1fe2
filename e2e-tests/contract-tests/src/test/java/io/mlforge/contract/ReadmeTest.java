package io.mlforge.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README describes what exists: its test command is CI's, and it names every sample and chart value. */
class ReadmeTest {
    private static final String README = Repo.read(Repo.root().resolve("README.md"));

    @Test
    void ciRunsExactlyTheReadmeTestCommand() {
        String section =
                README.substring(README.indexOf("### Build and test"), README.indexOf("## The API by example"));
        Matcher command =
                Pattern.compile("```bash\\n(.+?)\\n```", Pattern.DOTALL).matcher(section);
        assertThat(command.find()).as("a bash block under Build and test").isTrue();
        String testCommand = command.group(1).trim();
        assertThat(testCommand).isEqualTo("./mvnw verify");
        List<String> ciCommands = Repo.read(Repo.root().resolve(".ci/run"))
                .lines()
                .map(String::trim)
                .filter(l -> !l.isEmpty()
                        && !l.startsWith("#")
                        && !l.startsWith("set ")
                        && !l.startsWith("cd ")
                        && !l.startsWith("export "))
                .toList();
        assertThat(ciCommands).containsExactly(testCommand);
    }

    @Test
    void theSandboxIsTheFirstQuickstartCommand() {
        String quickstart = README.substring(README.indexOf("## Quickstart"), README.indexOf("## The API by example"));
        Matcher first = Pattern.compile("```bash\\n(.+?)\\n```", Pattern.DOTALL).matcher(quickstart);
        assertThat(first.find()).isTrue();
        assertThat(first.group(1).trim()).isEqualTo("./mvnw -Psandbox -DskipTests verify");
        assertThat(Repo.read(Repo.root().resolve("e2e-tests/sandbox/pom.xml")))
                .contains("<id>sandbox</id>")
                .contains("io.mlforge.sandbox.Sandbox");
    }

    @Test
    void everySampleIsListedAndEveryListedSampleExists() {
        List<String> files = Repo.yamlFiles(Repo.root().resolve("config/samples")).stream()
                .map(p -> p.getFileName().toString())
                .toList();
        for (String file : files) {
            assertThat(README).as("README names config/samples/%s", file).contains("`" + file + "`");
        }
        Matcher mentioned = Pattern.compile("`([a-z0-9-]+\\.yaml)`").matcher(README);
        while (mentioned.find()) {
            String name = mentioned.group(1);
            boolean exists = files.contains(name)
                    || Repo.root()
                            .resolve("config/invalid")
                            .resolve(name)
                            .toFile()
                            .exists();
            assertThat(exists)
                    .as("README mentions %s, which does not exist", name)
                    .isTrue();
        }
    }

    @Test
    void everyChartValueIsDocumented() {
        JsonNode values =
                Repo.readYaml(Repo.read(Repo.chart().resolve("values.yaml"))).get(0);
        List<String> keys = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> top = it.next();
            keys.add(top.getKey());
        }
        String table =
                README.substring(README.indexOf("### Chart values"), README.indexOf("## Operator configuration"));
        for (String key : keys) {
            assertThat(table).as("README's chart values table covers %s", key).contains("`" + key);
        }
    }

    @Test
    void everyMlforgePropertyIsDocumented() {
        String properties = Repo.read(Repo.root().resolve("operator/src/main/resources/application.properties"));
        String config = README.substring(README.indexOf("## Operator configuration"), README.indexOf("## Development"));
        properties
                .lines()
                .filter(l -> l.startsWith("mlforge.") || l.startsWith("quarkus.operator-sdk.namespaces"))
                .map(l -> l.substring(0, l.indexOf('=')))
                .forEach(
                        key -> assertThat(config).as("README documents %s", key).contains("`" + key + "`"));
        for (String settingsKey : List.of("lease-name", "lease-namespace", "lease-duration")) {
            assertThat(config).contains(settingsKey);
        }
    }
}
