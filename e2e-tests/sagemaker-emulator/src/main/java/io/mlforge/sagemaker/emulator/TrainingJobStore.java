package io.mlforge.sagemaker.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training jobs of the emulator. A job's state is derived from its creation time and the timing profile, as
 * SageMaker's own sequence: InProgress with SecondaryStatus Starting ("Launching requested ML instances"),
 * Downloading, Training, Uploading, then Completed (or Failed / Stopping / Stopped). Its trainer "computes" the
 * sandbox's synthetic objective, so FinalMetricDataList follows the job's metric definitions.
 *
 * <p>Faults by tag {@value #FAULT_TAG}: {@code capacity} (fails while launching), {@code fail} (algorithm error
 * half-way through training), {@code interrupt} (spot interruption half-way, then Stopped with MaxWaitTimeExceeded).
 */
final class TrainingJobStore {
    static final String FAULT_TAG = "sandbox.mlforge.io/fault";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Step(String status, String secondary, String message, Instant start) {}

    static final class Job {
        final String name;
        final String arn;
        final ObjectNode request;
        final Instant created;
        final String fault;
        final List<String> logLines;
        volatile Instant stopRequested;
        /** When set, training ends at this time (uploading, then Completed) instead of after all its epochs. */
        volatile Instant finishTrainingAt;

        final String tuningJob;

        Job(
                String name,
                String arn,
                ObjectNode request,
                Instant created,
                String fault,
                List<String> logLines,
                String tuningJob) {
            this.name = name;
            this.arn = arn;
            this.request = request;
            this.created = created;
            this.fault = fault;
            this.logLines = logLines;
            this.tuningJob = tuningJob;
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final SageMakerEmulator emulator;

    TrainingJobStore(SageMakerEmulator emulator) {
        this.emulator = emulator;
    }

    ObjectNode create(JsonNode request, Instant now, String tuningJob) {
        String name = Checks.name(request, "TrainingJobName", "trainingJobName", Checks.NAME, 63);
        JsonNode algorithm = Checks.required(request, "AlgorithmSpecification", "algorithmSpecification");
        Checks.required(algorithm, "TrainingInputMode", "algorithmSpecification.trainingInputMode");
        if (!algorithm.hasNonNull("TrainingImage") && !algorithm.hasNonNull("AlgorithmName")) {
            throw AwsError.validation(
                    "Either AlgorithmName or TrainingImage must be specified in AlgorithmSpecification.");
        }
        Checks.role(request, "RoleArn", "roleArn");
        JsonNode output = Checks.required(request, "OutputDataConfig", "outputDataConfig");
        String s3Output = Checks.required(output, "S3OutputPath", "outputDataConfig.s3OutputPath")
                .asText();
        if (!s3Output.matches("^(https|s3)://([^/]+)/?(.*)$")) {
            throw AwsError.validation(
                    "1 validation error detected: Value '" + s3Output
                            + "' at 'outputDataConfig.s3OutputPath' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$");
        }
        JsonNode resources = Checks.required(request, "ResourceConfig", "resourceConfig");
        String instanceType = Checks.required(resources, "InstanceType", "resourceConfig.instanceType")
                .asText();
        Checks.range(
                Checks.required(resources, "InstanceCount", "resourceConfig.instanceCount"),
                "resourceConfig.instanceCount",
                1,
                10000);
        Checks.range(
                Checks.required(resources, "VolumeSizeInGB", "resourceConfig.volumeSizeInGB"),
                "resourceConfig.volumeSizeInGB",
                1,
                16384);
        JsonNode stopping = Checks.required(request, "StoppingCondition", "stoppingCondition");
        Checks.range(stopping.get("MaxRuntimeInSeconds"), "stoppingCondition.maxRuntimeInSeconds", 1, 2419200);
        JsonNode hps = request.get("HyperParameters");
        if (hps != null) {
            if (hps.size() > 100) {
                throw AwsError.validation(
                        "1 validation error detected: Value at 'hyperParameters' failed to satisfy constraint: Member must have length less than or equal to 100");
            }
            hps.fields().forEachRemaining(e -> {
                if (e.getValue().asText().length() > 2500) {
                    throw AwsError.validation(
                            "1 validation error detected: Value at 'hyperParameters' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 2500]");
                }
            });
        }
        if (request.path("EnableManagedSpotTraining").asBoolean(false)) {
            JsonNode maxWait = stopping.get("MaxWaitTimeInSeconds");
            long maxRuntime = stopping.path("MaxRuntimeInSeconds").asLong(86400);
            if (maxWait == null || maxWait.asLong() < maxRuntime) {
                throw AwsError.validation(
                        "Invalid MaxWaitTimeInSeconds. It must be present and be greater than or equal to MaxRuntimeInSeconds");
            }
        }
        Job existing = jobs.get(name);
        if (existing != null) {
            throw AwsError.inUse(
                    "Training job names must be unique within an AWS account and region, and a training job with this name already exists ("
                            + existing.arn + ")");
        }
        long running = jobs.values().stream()
                .filter(j -> instanceType.equals(
                                j.request.at("/ResourceConfig/InstanceType").asText())
                        && "InProgress".equals(current(j, now).status()))
                .count();
        if (running >= emulator.trainingInstanceLimit()) {
            throw AwsError.limitExceeded(
                    "The account-level service limit '" + instanceType + " for training job usage' is "
                            + emulator.trainingInstanceLimit() + " Instances, with current utilization of " + running
                            + " Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota.");
        }
        String fault = null;
        for (JsonNode tag : request.path("Tags")) {
            if (FAULT_TAG.equals(tag.path("Key").asText())) {
                fault = tag.path("Value").asText();
            }
        }
        String image = algorithm
                .path("TrainingImage")
                .asText(algorithm.path("AlgorithmName").asText());
        List<String> lines = SyntheticTrainer.epochs(image, hps == null ? "{}" : hps.toString());
        String arn = emulator.arn("training-job/" + name.toLowerCase());
        jobs.put(name, new Job(name, arn, request.deepCopy(), now, fault, lines, tuningJob));
        ObjectNode response = JSON.createObjectNode();
        response.put("TrainingJobArn", arn);
        return response;
    }

    private Duration trainingTime(Job job) {
        return emulator.timing().epoch().multipliedBy(job.logLines.size());
    }

    /** Every step the job has gone through by {@code now}. */
    List<Step> steps(Job job, Instant now) {
        if (now.isBefore(job.created)) {
            now = job.created; // a concurrent request created the job after this request read the clock
        }
        Timing t = emulator.timing();
        List<Step> steps = new ArrayList<>();
        Instant at = job.created;
        steps.add(new Step("InProgress", "Starting", "Launching requested ML instances", at));
        if ("capacity".equals(job.fault)) {
            steps.add(new Step("Failed", "Failed", "Training job failed", at.plus(t.launch())));
            return cutAt(stop(job, steps), now);
        }
        at = at.plus(t.launch());
        steps.add(new Step("InProgress", "Downloading", "Downloading input data", at));
        at = at.plus(t.download());
        steps.add(new Step("InProgress", "Training", "Training image download completed. Training in progress.", at));
        Duration training = trainingTime(job);
        if ("fail".equals(job.fault)) {
            steps.add(new Step("Failed", "Failed", "Training job failed", at.plus(training.dividedBy(2))));
            return cutAt(stop(job, steps), now);
        }
        if ("interrupt".equals(job.fault)) {
            Instant interrupted = at.plus(training.dividedBy(2));
            steps.add(new Step(
                    "InProgress", "Interrupted", "Job was interrupted: spot capacity was reclaimed", interrupted));
            steps.add(new Step(
                    "Stopped",
                    "MaxWaitTimeExceeded",
                    "Job stopped as it exceeded the max wait time waiting for spot capacity",
                    interrupted.plus(t.launch())));
            return cutAt(stop(job, steps), now);
        }
        at = at.plus(training);
        if (job.finishTrainingAt != null && job.finishTrainingAt.isBefore(at)) {
            at = job.finishTrainingAt.isAfter(steps.get(steps.size() - 1).start())
                    ? job.finishTrainingAt
                    : steps.get(steps.size() - 1).start();
        }
        steps.add(new Step("InProgress", "Uploading", "Uploading generated training model", at));
        at = at.plus(t.upload());
        steps.add(new Step("Completed", "Completed", "Training job completed", at));
        return cutAt(stop(job, steps), now);
    }

    /** A stop request replaces what would have come after it with Stopping, then Stopped. */
    private List<Step> stop(Job job, List<Step> steps) {
        Instant stop = job.stopRequested;
        if (stop == null) {
            return steps;
        }
        List<Step> result = new ArrayList<>();
        for (Step s : steps) {
            if (s.start().isAfter(stop)) {
                break;
            }
            result.add(s);
        }
        if (!result.isEmpty()
                && !"InProgress".equals(result.get(result.size() - 1).status())) {
            return result; // already ended
        }
        result.add(new Step("Stopping", "Stopping", "Stopping the training job", stop));
        result.add(new Step(
                "Stopped",
                "Stopped",
                "Training job stopped",
                stop.plus(emulator.timing().stop())));
        return result;
    }

    private static List<Step> cutAt(List<Step> steps, Instant now) {
        List<Step> result = new ArrayList<>();
        for (Step s : steps) {
            if (!s.start().isAfter(now)) {
                result.add(s);
            }
        }
        return result;
    }

    Step current(Job job, Instant now) {
        List<Step> steps = steps(job, now);
        return steps.get(steps.size() - 1);
    }

    Job get(String name) {
        Job job = jobs.get(name);
        if (job == null) {
            throw AwsError.notFound("Requested resource not found.");
        }
        return job;
    }

    ObjectNode describe(JsonNode request, Instant now) {
        Job job = get(
                Checks.required(request, "TrainingJobName", "trainingJobName").asText());
        List<Step> steps = steps(job, now);
        Step current = steps.get(steps.size() - 1);
        ObjectNode d = job.request.deepCopy();
        d.remove("Tags");
        d.put("TrainingJobArn", job.arn);
        d.put("TrainingJobStatus", current.status());
        d.put("SecondaryStatus", current.secondary());
        d.put("CreationTime", seconds(job.created));
        d.put("LastModifiedTime", seconds(current.start()));
        ArrayNode transitions = d.putArray("SecondaryStatusTransitions");
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (i > 0 && steps.get(i - 1).secondary().equals(s.secondary())) {
                continue;
            }
            ObjectNode t = transitions.addObject();
            t.put("Status", s.secondary());
            t.put("StartTime", seconds(s.start()));
            if (i + 1 < steps.size()) {
                t.put("EndTime", seconds(steps.get(i + 1).start()));
            }
            t.put("StatusMessage", s.message());
        }
        Instant trainingStart = steps.size() > 1 ? steps.get(1).start() : null;
        if (trainingStart != null) {
            d.put("TrainingStartTime", seconds(trainingStart));
        }
        boolean ended =
                !current.status().equals("InProgress") && !current.status().equals("Stopping");
        if (ended) {
            d.put("TrainingEndTime", seconds(current.start()));
            long trainingSeconds = trainingStart == null
                    ? 0
                    : Math.max(
                            1, Duration.between(trainingStart, current.start()).toSeconds());
            d.put("TrainingTimeInSeconds", trainingSeconds);
            boolean spot = job.request.path("EnableManagedSpotTraining").asBoolean(false);
            d.put("BillableTimeInSeconds", spot ? Math.max(1, trainingSeconds * 3 / 10) : trainingSeconds);
        }
        if (current.status().equals("Failed")) {
            d.put(
                    "FailureReason",
                    "capacity".equals(job.fault)
                            ? "CapacityError: Unable to provision requested ML compute capacity. Please retry using a different ML instance type."
                            : "AlgorithmError: ExecuteUserScriptError: Command \"/usr/bin/python3 train.py\" exited with code 1 (sandbox fault)");
        }
        if (current.status().equals("Completed")) {
            String base = job.request.at("/OutputDataConfig/S3OutputPath").asText();
            d.putObject("ModelArtifacts")
                    .put(
                            "S3ModelArtifacts",
                            (base.endsWith("/") ? base : base + "/") + job.name + "/output/model.tar.gz");
        }
        ArrayNode metrics = finalMetrics(job, steps, current, now);
        if (!metrics.isEmpty()) {
            d.set("FinalMetricDataList", metrics);
        }
        return d;
    }

    /** The latest value of each metric definition, over the log lines printed so far. */
    private ArrayNode finalMetrics(Job job, List<Step> steps, Step current, Instant now) {
        ArrayNode result = JSON.createArrayNode();
        Instant trainingStart = steps.stream()
                .filter(s -> s.secondary().equals("Training"))
                .map(Step::start)
                .findFirst()
                .orElse(null);
        if (trainingStart == null) {
            return result;
        }
        long epochMillis = Math.max(1, emulator.timing().epoch().toMillis());
        Instant until = "InProgress".equals(current.status()) ? now : current.start();
        int printed = (int) Math.min(
                job.logLines.size(), Duration.between(trainingStart, until).toMillis() / epochMillis);
        if (current.status().equals("Completed") || current.secondary().equals("Uploading")) {
            printed = job.logLines.size();
        }
        for (JsonNode definition : job.request.at("/AlgorithmSpecification/MetricDefinitions")) {
            Pattern pattern = Pattern.compile(definition.path("Regex").asText());
            Double latest = null;
            for (int i = 0; i < printed; i++) {
                Matcher m = pattern.matcher(job.logLines.get(i));
                if (m.find() && m.groupCount() >= 1) {
                    latest = Double.parseDouble(m.group(1));
                }
            }
            if (latest != null) {
                ObjectNode metric = result.addObject();
                metric.put("MetricName", definition.path("Name").asText());
                metric.put("Value", latest);
                metric.put("Timestamp", seconds(current.start()));
            }
        }
        return result;
    }

    ObjectNode stop(JsonNode request, Instant now) {
        Job job = get(
                Checks.required(request, "TrainingJobName", "trainingJobName").asText());
        Step current = current(job, now);
        if (!current.status().equals("InProgress")) {
            throw AwsError.validation(
                    "The request was rejected because the training job is in status " + current.status() + ".");
        }
        job.stopRequested = now;
        return JSON.createObjectNode();
    }

    ObjectNode list(JsonNode request, Instant now) {
        String statusEquals = request.path("StatusEquals").asText(null);
        String nameContains = request.path("NameContains").asText(null);
        Double createdAfter = request.hasNonNull("CreationTimeAfter")
                ? request.get("CreationTimeAfter").asDouble()
                : null;
        Double modifiedAfter = request.hasNonNull("LastModifiedTimeAfter")
                ? request.get("LastModifiedTimeAfter").asDouble()
                : null;
        boolean ascending = "Ascending".equals(request.path("SortOrder").asText("Descending"));
        List<ObjectNode> summaries = new ArrayList<>();
        for (Job job : jobs.values()) {
            Step current = current(job, now);
            if ((statusEquals != null && !statusEquals.equals(current.status()))
                    || (nameContains != null && !job.name.contains(nameContains))
                    || (createdAfter != null && seconds(job.created) <= createdAfter)
                    || (modifiedAfter != null && seconds(current.start()) <= modifiedAfter)) {
                continue;
            }
            ObjectNode s = JSON.createObjectNode();
            s.put("TrainingJobName", job.name);
            s.put("TrainingJobArn", job.arn);
            s.put("CreationTime", seconds(job.created));
            s.put("LastModifiedTime", seconds(current.start()));
            s.put("TrainingJobStatus", current.status());
            summaries.add(s);
        }
        summaries.sort(Comparator.comparingDouble(
                        (ObjectNode s) -> s.get("CreationTime").asDouble())
                .thenComparing(s -> s.get("TrainingJobName").asText()));
        if (!ascending) {
            java.util.Collections.reverse(summaries);
        }
        return Checks.page(summaries, request, "TrainingJobSummaries");
    }

    java.util.Collection<Job> all() {
        return jobs.values();
    }

    List<Job> byTuningJob(String tuningJob) {
        return jobs.values().stream()
                .filter(j -> tuningJob.equals(j.tuningJob))
                .sorted(Comparator.comparing(j -> j.name))
                .toList();
    }

    static double seconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }
}
