package io.mlforge.sagemaker.emulator;

import static io.mlforge.sagemaker.emulator.TrainingJobStore.seconds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hyperparameter tuning jobs. Trials are training jobs of the training store named
 * {@code <tuning job>-<3-digit index>-<8 hex>}, started in waves of MaxParallelTrainingJobs with parameters drawn
 * uniformly (log-uniformly for Logarithmic scaling) from the ranges; they run the sandbox's synthetic objective.
 */
final class TuningJobStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final class Tuning {
        final String name;
        final String arn;
        final ObjectNode request;
        final Instant created;
        final Random random;
        volatile Instant stopRequested;
        int launched;

        Tuning(String name, String arn, ObjectNode request, Instant created, long seed) {
            this.name = name;
            this.arn = arn;
            this.request = request;
            this.created = created;
            this.random = new Random(seed);
        }
    }

    private final Map<String, Tuning> tunings = new ConcurrentHashMap<>();
    private final SageMakerEmulator emulator;
    private final TrainingJobStore training;

    TuningJobStore(SageMakerEmulator emulator, TrainingJobStore training) {
        this.emulator = emulator;
        this.training = training;
    }

    ObjectNode create(JsonNode request, Instant now) {
        String name = Checks.name(
                request, "HyperParameterTuningJobName", "hyperParameterTuningJobName", Checks.TUNING_NAME, 32);
        JsonNode config = Checks.required(request, "HyperParameterTuningJobConfig", "hyperParameterTuningJobConfig");
        Checks.required(config, "Strategy", "hyperParameterTuningJobConfig.strategy");
        JsonNode limits = Checks.required(config, "ResourceLimits", "hyperParameterTuningJobConfig.resourceLimits");
        Checks.range(
                Checks.required(
                        limits,
                        "MaxParallelTrainingJobs",
                        "hyperParameterTuningJobConfig.resourceLimits.maxParallelTrainingJobs"),
                "hyperParameterTuningJobConfig.resourceLimits.maxParallelTrainingJobs",
                1,
                100);
        Checks.required(request, "TrainingJobDefinition", "trainingJobDefinition");
        if (tunings.containsKey(name)) {
            throw AwsError.inUse(
                    "Hyperparameter tuning job names must be unique within an AWS account and region, and a tuning job with this name already exists ("
                            + tunings.get(name).arn + ")");
        }
        String arn = emulator.arn("hyper-parameter-tuning-job/" + name.toLowerCase());
        long seed = request.hasNonNull("RandomSeed") ? request.get("RandomSeed").asLong() : name.hashCode();
        tunings.put(name, new Tuning(name, arn, request.deepCopy(), now, seed));
        ObjectNode response = JSON.createObjectNode();
        response.put("HyperParameterTuningJobArn", arn);
        return response;
    }

    private Tuning get(String name) {
        Tuning t = tunings.get(name);
        if (t == null) {
            throw AwsError.notFound("Amazon SageMaker can't find a tuning job with name " + name);
        }
        return t;
    }

    private int maxTrials(Tuning t) {
        return t.request
                .at("/HyperParameterTuningJobConfig/ResourceLimits/MaxNumberOfTrainingJobs")
                .asInt(10);
    }

    /** Starts the trials due by {@code now}: a new wave whenever running trials drop below the parallel limit. */
    private synchronized void advance(Tuning t, Instant now) {
        int parallel = t.request
                .at("/HyperParameterTuningJobConfig/ResourceLimits/MaxParallelTrainingJobs")
                .asInt(1);
        while (t.stopRequested == null && t.launched < maxTrials(t)) {
            List<TrainingJobStore.Job> trials = training.byTuningJob(t.name);
            long running = trials.stream()
                    .filter(j -> "InProgress".equals(training.current(j, now).status()))
                    .count();
            if (running >= parallel) {
                return;
            }
            Instant start = trials.isEmpty()
                    ? t.created
                    : trials.stream()
                            .map(j -> training.steps(j, now))
                            .filter(s ->
                                    !"InProgress".equals(s.get(s.size() - 1).status()))
                            .map(s -> s.get(s.size() - 1).start())
                            .max(Instant::compareTo)
                            .orElse(t.created);
            if (trials.size() >= parallel && start.isAfter(now)) {
                return;
            }
            launchTrial(t, trials.size() < parallel ? t.created : start);
        }
    }

    private void launchTrial(Tuning t, Instant at) {
        int index = ++t.launched;
        String suffix = HexFormat.of().formatHex(new byte[] {
            (byte) t.random.nextInt(), (byte) t.random.nextInt(), (byte) t.random.nextInt(), (byte) t.random.nextInt()
        });
        String trialName = String.format(Locale.ROOT, "%s-%03d-%s", t.name, index, suffix);
        ObjectNode definition = t.request.get("TrainingJobDefinition").deepCopy();
        ObjectNode request = JSON.createObjectNode();
        request.put("TrainingJobName", trialName);
        request.set("AlgorithmSpecification", definition.get("AlgorithmSpecification"));
        request.set("RoleArn", definition.get("RoleArn"));
        request.set("OutputDataConfig", definition.get("OutputDataConfig"));
        request.set("ResourceConfig", definition.get("ResourceConfig"));
        request.set("StoppingCondition", definition.get("StoppingCondition"));
        if (definition.has("InputDataConfig")) {
            request.set("InputDataConfig", definition.get("InputDataConfig"));
        }
        ObjectNode hps = definition.has("StaticHyperParameters")
                ? (ObjectNode) definition.get("StaticHyperParameters").deepCopy()
                : JSON.createObjectNode();
        JsonNode ranges = t.request.at("/HyperParameterTuningJobConfig/ParameterRanges");
        for (JsonNode r : ranges.path("ContinuousParameterRanges")) {
            hps.put(r.path("Name").asText(), Double.toString(draw(t.random, r)));
        }
        for (JsonNode r : ranges.path("IntegerParameterRanges")) {
            hps.put(r.path("Name").asText(), Long.toString(Math.round(draw(t.random, r))));
        }
        for (JsonNode r : ranges.path("CategoricalParameterRanges")) {
            JsonNode values = r.path("Values");
            hps.put(
                    r.path("Name").asText(),
                    values.get(t.random.nextInt(values.size())).asText());
        }
        request.set("HyperParameters", hps);
        training.create(request, at, t.name);
    }

    private static double draw(Random random, JsonNode range) {
        double min = range.path("MinValue").asDouble();
        double max = range.path("MaxValue").asDouble();
        if ("Logarithmic".equals(range.path("ScalingType").asText()) && min > 0) {
            return Math.exp(Math.log(min) + random.nextDouble() * (Math.log(max) - Math.log(min)));
        }
        return min + random.nextDouble() * (max - min);
    }

    /** Every tuning job by name with the status DescribeHyperParameterTuningJob answers now. */
    Map<String, String> statuses(Instant now) {
        Map<String, String> result = new java.util.TreeMap<>();
        for (String name : tunings.keySet()) {
            ObjectNode request = JSON.createObjectNode().put("HyperParameterTuningJobName", name);
            result.put(
                    name,
                    describe(request, now).path("HyperParameterTuningJobStatus").asText());
        }
        return result;
    }

    ObjectNode describe(JsonNode request, Instant now) {
        Tuning t = get(Checks.required(request, "HyperParameterTuningJobName", "hyperParameterTuningJobName")
                .asText());
        advance(t, now);
        JsonNode objective = t.request.at("/HyperParameterTuningJobConfig/HyperParameterTuningJobObjective");
        boolean minimize = "Minimize".equals(objective.path("Type").asText());
        int completed = 0;
        int inProgress = 0;
        int failed = 0;
        int stopped = 0;
        ObjectNode best = null;
        double bestValue = 0;
        for (TrainingJobStore.Job trial : training.byTuningJob(t.name)) {
            ObjectNode summary = summary(trial, objective, now);
            switch (summary.get("TrainingJobStatus").asText()) {
                case "Completed" -> completed++;
                case "InProgress", "Stopping" -> inProgress++;
                case "Failed" -> failed++;
                default -> stopped++;
            }
            JsonNode metric = summary.get("FinalHyperParameterTuningJobObjectiveMetric");
            if (metric != null
                    && "Completed".equals(summary.get("TrainingJobStatus").asText())) {
                double value = metric.get("Value").asDouble();
                if (best == null || (minimize ? value < bestValue : value > bestValue)) {
                    best = summary;
                    bestValue = value;
                }
            }
        }
        ObjectNode d = JSON.createObjectNode();
        d.put("HyperParameterTuningJobName", t.name);
        d.put("HyperParameterTuningJobArn", t.arn);
        d.set("HyperParameterTuningJobConfig", t.request.get("HyperParameterTuningJobConfig"));
        d.set("TrainingJobDefinition", t.request.get("TrainingJobDefinition"));
        boolean done = inProgress == 0 && (t.stopRequested != null || t.launched >= maxTrials(t));
        String status = t.stopRequested != null ? (done ? "Stopped" : "Stopping") : done ? "Completed" : "InProgress";
        d.put("HyperParameterTuningJobStatus", status);
        d.put("CreationTime", seconds(t.created));
        ObjectNode counters = d.putObject("TrainingJobStatusCounters");
        counters.put("Completed", completed);
        counters.put("InProgress", inProgress);
        counters.put("RetryableError", 0);
        counters.put("NonRetryableError", failed);
        counters.put("Stopped", stopped);
        ObjectNode objectives = d.putObject("ObjectiveStatusCounters");
        objectives.put("Succeeded", completed);
        objectives.put("Pending", inProgress);
        objectives.put("Failed", failed + stopped);
        if (best != null) {
            d.set("BestTrainingJob", best);
        }
        return d;
    }

    private ObjectNode summary(TrainingJobStore.Job trial, JsonNode objective, Instant now) {
        ObjectNode described = training.describe(JSON.createObjectNode().put("TrainingJobName", trial.name), now);
        ObjectNode s = JSON.createObjectNode();
        s.put("TrainingJobName", trial.name);
        s.put("TrainingJobArn", trial.arn);
        s.put("CreationTime", seconds(trial.created));
        s.put("TrainingJobStatus", described.get("TrainingJobStatus").asText());
        ObjectNode tuned = s.putObject("TunedHyperParameters");
        JsonNode ranges = emulatorRanges(trial);
        trial.request.path("HyperParameters").fields().forEachRemaining(e -> {
            if (ranges.toString().contains("\"Name\":\"" + e.getKey() + "\"")) {
                tuned.set(e.getKey(), e.getValue());
            }
        });
        for (JsonNode metric : described.path("FinalMetricDataList")) {
            if (metric.path("MetricName")
                    .asText()
                    .equals(objective.path("MetricName").asText())) {
                ObjectNode m = s.putObject("FinalHyperParameterTuningJobObjectiveMetric");
                m.put("MetricName", metric.path("MetricName").asText());
                m.put("Value", metric.path("Value").asDouble());
            }
        }
        s.put("ObjectiveStatus", "Completed".equals(s.get("TrainingJobStatus").asText()) ? "Succeeded" : "Pending");
        return s;
    }

    private JsonNode emulatorRanges(TrainingJobStore.Job trial) {
        Tuning t = tunings.get(trial.tuningJob);
        return t == null ? JSON.createObjectNode() : t.request.at("/HyperParameterTuningJobConfig/ParameterRanges");
    }

    ObjectNode listTrainingJobs(JsonNode request, Instant now) {
        Tuning t = get(Checks.required(request, "HyperParameterTuningJobName", "hyperParameterTuningJobName")
                .asText());
        advance(t, now);
        JsonNode objective = t.request.at("/HyperParameterTuningJobConfig/HyperParameterTuningJobObjective");
        List<ObjectNode> summaries = new ArrayList<>();
        for (TrainingJobStore.Job trial : training.byTuningJob(t.name)) {
            summaries.add(summary(trial, objective, now));
        }
        return Checks.page(summaries, request, "TrainingJobSummaries");
    }

    ObjectNode stop(JsonNode request, Instant now) {
        Tuning t = get(Checks.required(request, "HyperParameterTuningJobName", "hyperParameterTuningJobName")
                .asText());
        if (t.stopRequested == null) {
            t.stopRequested = now;
            for (TrainingJobStore.Job trial : training.byTuningJob(t.name)) {
                if ("InProgress".equals(training.current(trial, now).status())) {
                    trial.stopRequested = now;
                }
            }
        }
        return JSON.createObjectNode();
    }
}
