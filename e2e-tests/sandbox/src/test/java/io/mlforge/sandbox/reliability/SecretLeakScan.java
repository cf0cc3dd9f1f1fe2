package io.mlforge.sandbox.reliability;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.mlforge.sandbox.S3Store;
import io.mlforge.sandbox.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Searches everything the operator writes where users, log collectors and anyone with read access to the namespace
 * look, for secret values: its log (every process of the run), all Events, the status of every MLForge resource, and
 * the pods and Deployments it creates (which must reference Secrets, never copy them). The secrets are the operator's
 * own fake AWS credentials and the value of every Secret in the cluster (Helm's release records aside).
 */
final class SecretLeakScan {
    /** Shorter values (a "true", a port) would match by chance. */
    private static final int MIN_SECRET_LENGTH = 8;

    private SecretLeakScan() {}

    /** The secret values to look for: the sandbox's AWS credentials and the cluster's Secrets' values. */
    static Set<String> secrets(Sandbox sandbox) {
        Set<String> secrets = new LinkedHashSet<>(List.of(S3Store.ACCESS_KEY, S3Store.SECRET_KEY));
        for (Secret secret : sandbox.client().secrets().inAnyNamespace().list().getItems()) {
            if ("helm.sh/release.v1".equals(secret.getType()) || secret.getData() == null) {
                continue;
            }
            for (String encoded : secret.getData().values()) {
                String value = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
                if (value.length() >= MIN_SECRET_LENGTH) {
                    secrets.add(value);
                }
            }
        }
        return secrets;
    }

    /** Where a secret value appears ("operator log line 12", "Event default/x"), the value itself never printed. */
    static List<String> leaks(Sandbox sandbox, Set<String> secrets) throws IOException {
        List<String> leaks = new ArrayList<>();
        List<java.nio.file.Path> logs;
        try (var files = Files.list(sandbox.operatorLog().getParent())) {
            // the operator's log, and those of further replicas (operator-<name>.log)
            logs = files.filter(f -> f.getFileName().toString().matches("operator(-.+)?\\.log"))
                    .sorted()
                    .toList();
        }
        for (java.nio.file.Path file : logs) {
            List<String> log = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < log.size(); i++) {
                if (containsAny(log.get(i), secrets)) {
                    leaks.add(file.getFileName() + " line " + (i + 1));
                }
            }
        }
        var client = sandbox.client();
        scan("Event", client.v1().events().inAnyNamespace().list().getItems(), secrets, leaks);
        scan(
                "events.k8s.io Event",
                client.events().v1().events().inAnyNamespace().list().getItems(),
                secrets,
                leaks);
        scan("Pod", client.pods().inAnyNamespace().list().getItems(), secrets, leaks);
        scan("Deployment", client.apps().deployments().inAnyNamespace().list().getItems(), secrets, leaks);
        for (var resource : sandbox.mlforgeResources()) {
            Object status = resource.getAdditionalProperties().get("status");
            if (status instanceof Map<?, ?> && containsAny(Serialization.asJson(status), secrets)) {
                leaks.add(resource.getKind() + " " + name(resource) + " status");
            }
        }
        return leaks;
    }

    private static void scan(
            String what, List<? extends HasMetadata> objects, Set<String> secrets, List<String> leaks) {
        for (HasMetadata object : objects) {
            if (containsAny(Serialization.asJson(object), secrets)) {
                leaks.add(what + " " + name(object));
            }
        }
    }

    private static String name(HasMetadata object) {
        return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }

    private static boolean containsAny(String text, Set<String> secrets) {
        for (String secret : secrets) {
            if (text.contains(secret)) {
                return true;
            }
        }
        return false;
    }
}
