package io.mlforge.sandbox.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlforge.sagemaker.emulator.SageMakerEmulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the operator created on (emulated) SageMaker, from the emulator's request log and its inventory: the
 * successful creates by the Kubernetes object that owns them (the tags every MLForge create carries), to find work
 * done twice, and what still exists, to find what nothing owns any more.
 */
final class SageMakerLedger {
    private static final Set<String> RUNNING = Set.of("InProgress", "Stopping");

    private final List<JsonNode> requests;
    private final SageMakerEmulator.Inventory inventory;

    SageMakerLedger(SageMakerEmulator emulator) {
        this.requests = emulator.requestLog();
        this.inventory = emulator.inventory();
    }

    SageMakerEmulator.Inventory inventory() {
        return inventory;
    }

    private List<JsonNode> succeeded(String operation) {
        return requests.stream()
                .filter(r -> operation.equals(r.path("operation").asText()))
                .filter(r -> r.path("status").asInt() == 200)
                .toList();
    }

    /** Successful creates of {@code operation}. */
    long created(String operation) {
        return succeeded(operation).size();
    }

    private static String tag(JsonNode request, String key) {
        for (JsonNode tag : request.path("Tags")) {
            if (key.equals(tag.path("Key").asText())) {
                return tag.path("Value").asText();
            }
        }
        return "";
    }

    /**
     * Work done twice: a second SageMaker training job for one attempt of one TrainingJob, a second tuning job for one
     * TuningJob, a second endpoint for one Endpoint (each told apart by the object's uid in the tags).
     */
    List<String> duplicates() {
        List<String> found = new ArrayList<>();
        Map<String, List<String>> trainingByAttempt = succeeded("CreateTrainingJob").stream()
                .map(r -> r.path("request"))
                .collect(Collectors.groupingBy(
                        r -> tag(r, "mlforge.io/name") + " (uid " + tag(r, "mlforge.io/uid") + ") attempt "
                                + tag(r, "mlforge.io/attempt"),
                        TreeMap::new,
                        Collectors.mapping(r -> r.path("TrainingJobName").asText(), Collectors.toList())));
        trainingByAttempt.forEach((owner, names) -> {
            if (names.size() > 1) {
                found.add("training jobs " + names + " for TrainingJob " + owner);
            }
        });
        byOwner("CreateHyperParameterTuningJob", "HyperParameterTuningJobName").forEach((owner, names) -> {
            if (names.size() > 1) {
                found.add("tuning jobs " + names + " for TuningJob " + owner);
            }
        });
        byOwner("CreateEndpoint", "EndpointName").forEach((owner, names) -> {
            if (names.size() > 1) {
                found.add("endpoints " + names + " for Endpoint " + owner);
            }
        });
        return found;
    }

    private Map<String, List<String>> byOwner(String operation, String nameField) {
        return succeeded(operation).stream()
                .map(r -> r.path("request"))
                .collect(Collectors.groupingBy(
                        r -> tag(r, "mlforge.io/name") + " (uid " + tag(r, "mlforge.io/uid") + ")",
                        TreeMap::new,
                        Collectors.mapping(r -> r.path(nameField).asText(), Collectors.toList())));
    }

    /** SageMaker training jobs created for the TrainingJob named {@code name} (any attempt). */
    List<String> trainingJobsOf(String name) {
        return succeeded("CreateTrainingJob").stream()
                .map(r -> r.path("request"))
                .filter(r -> name.equals(tag(r, "mlforge.io/name")))
                .map(r -> r.path("TrainingJobName").asText())
                .toList();
    }

    /** SageMaker tuning jobs created for the TuningJob named {@code name}. */
    List<String> tuningJobsOf(String name) {
        return succeeded("CreateHyperParameterTuningJob").stream()
                .map(r -> r.path("request"))
                .filter(r -> name.equals(tag(r, "mlforge.io/name")))
                .map(r -> r.path("HyperParameterTuningJobName").asText())
                .toList();
    }

    boolean running(String trainingJob) {
        return RUNNING.contains(inventory.trainingJobs().getOrDefault(trainingJob, ""));
    }

    boolean tuningRunning(String tuningJob) {
        return RUNNING.contains(inventory.tuningJobs().getOrDefault(tuningJob, ""));
    }
}
