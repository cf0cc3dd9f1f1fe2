package io.mlforge.sandbox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mlforge.sandbox.S3Store;
import io.mlforge.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every reliability run must end with, checked the same way by each: nothing done twice on SageMaker (its
 * request log), nothing left behind (SageMaker or Kubernetes), nothing lost, and no secret value where users and
 * log collectors read.
 */
record Verdict(
        List<String> duplicates, List<String> orphans, List<String> lost, Set<String> secrets, List<String> leaks) {
    static Verdict of(Sandbox sandbox, WorkloadAudit audit) throws IOException {
        SageMakerLedger ledger = new SageMakerLedger(sandbox.sagemaker());
        List<String> orphans = new ArrayList<>(audit.sageMakerOrphans(ledger));
        orphans.addAll(audit.kubernetesOrphans());
        Set<String> secrets = SecretLeakScan.secrets(sandbox);
        return new Verdict(ledger.duplicates(), orphans, audit.lost(), secrets, SecretLeakScan.leaks(sandbox, secrets));
    }

    void addTo(Map<String, Object> figures) {
        figures.put("duplicates", duplicates.size());
        figures.put("orphans", orphans.size());
        figures.put("lost", lost.size());
        figures.put("secret_values_searched", secrets.size());
        figures.put("secret_leaks", leaks.size());
    }

    void assertClean() {
        assertThat(duplicates).as("work done twice").isEmpty();
        assertThat(orphans).as("left behind").isEmpty();
        assertThat(lost).as("lost").isEmpty();
        assertThat(secrets)
                .as("the scan knows the user's Secret and the operator's credentials")
                .contains(MixedWorkload.TOKEN_VALUE, S3Store.SECRET_KEY);
        assertThat(leaks)
                .as("secret values in logs, Events, status or pod specs")
                .isEmpty();
    }

    /** Writes a run's figures to e2e-tests/sandbox/target/reliability/{name}.json and prints them. */
    static void write(Path repo, String name, Map<String, Object> figures) throws IOException {
        Path json = repo.resolve("e2e-tests/sandbox/target/reliability/" + name + ".json");
        Files.createDirectories(json.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), figures);
        figures.forEach((k, v) -> System.out.println("reliability " + k + ": " + v));
    }
}
