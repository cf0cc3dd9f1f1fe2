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

/**
 * CloudWatch Logs (JSON 1.1, target prefix {@code Logs_20140328}) for the emulator's training jobs, as SageMaker
 * writes them: log group {@value #GROUP}, one stream per instance named {@code <job>/algo-<n>-<creation epoch s>}.
 * A stream holds what its trainer printed by now: a start line, one line per epoch (the same lines the final
 * metrics are read from), then the end (model saved, or the algorithm error). Serves DescribeLogStreams,
 * GetLogEvents and FilterLogEvents with paging.
 */
final class TrainingLogStore {
    static final String GROUP = "/aws/sagemaker/TrainingJobs";
    private static final ObjectMapper JSON = new ObjectMapper();

    record LogEvent(String stream, Instant time, String message, String id) {}

    private final SageMakerEmulator emulator;
    private final TrainingJobStore training;

    TrainingLogStore(SageMakerEmulator emulator, TrainingJobStore training) {
        this.emulator = emulator;
        this.training = training;
    }

    private static String stream(TrainingJobStore.Job job, int host) {
        return job.name + "/algo-" + host + "-" + job.created.getEpochSecond();
    }

    private static int hosts(TrainingJobStore.Job job) {
        return Math.max(1, job.request.at("/ResourceConfig/InstanceCount").asInt(1));
    }

    /** Every event of a job's streams up to {@code now}, in time order. */
    private List<LogEvent> events(TrainingJobStore.Job job, Instant now) {
        List<TrainingJobStore.Step> steps = training.steps(job, now);
        TrainingJobStore.Step training = steps.stream()
                .filter(s -> s.secondary().equals("Training"))
                .findFirst()
                .orElse(null);
        if (training == null) {
            return List.of();
        }
        TrainingJobStore.Step last = steps.get(steps.size() - 1);
        boolean ended = !last.status().equals("InProgress");
        Instant until = ended ? last.start() : now;
        Duration epoch = emulator.timing().epoch();
        List<LogEvent> events = new ArrayList<>();
        for (int host = 1; host <= hosts(job); host++) {
            String stream = stream(job, host);
            String image = job.request
                    .at("/AlgorithmSpecification/TrainingImage")
                    .asText(job.request
                            .at("/AlgorithmSpecification/AlgorithmName")
                            .asText());
            add(
                    events,
                    stream,
                    training.start(),
                    "Invoking training on algo-" + host + " of " + hosts(job) + " (" + image + ")",
                    until);
            for (int i = 0; i < job.logLines.size(); i++) {
                add(events, stream, training.start().plus(epoch.multipliedBy(i + 1)), job.logLines.get(i), until);
            }
            switch (last.secondary()) {
                case "Uploading", "Completed" ->
                    add(
                            events,
                            stream,
                            steps.stream()
                                    .filter(s -> s.secondary().equals("Uploading"))
                                    .map(TrainingJobStore.Step::start)
                                    .findFirst()
                                    .orElse(last.start()),
                            "Training complete; saving the model to /opt/ml/model",
                            until);
                case "Failed" ->
                    add(
                            events,
                            stream,
                            last.start(),
                            "ExecuteUserScriptError: Command \"/usr/bin/python3 train.py\" exited with code 1",
                            until);
                case "Stopping", "Stopped" ->
                    add(events, stream, last.start(), "Received SIGTERM: the training job is being stopped", until);
                default -> {}
            }
        }
        events.sort(Comparator.comparing(LogEvent::time).thenComparing(LogEvent::stream));
        return events;
    }

    private static void add(List<LogEvent> events, String stream, Instant time, String message, Instant until) {
        if (!time.isAfter(until)) {
            events.add(new LogEvent(stream, time, message, stream + "#" + time.toEpochMilli() + "#" + events.size()));
        }
    }

    private void checkGroup(JsonNode request) {
        String group = Checks.required(request, "logGroupName", "logGroupName").asText();
        if (!GROUP.equals(group)) {
            throw new AwsError("ResourceNotFoundException", 400, "The specified log group does not exist.");
        }
    }

    private List<TrainingJobStore.Job> jobsWithStreamPrefix(String prefix) {
        return training.all().stream()
                .filter(j -> prefix == null || (j.name + "/").startsWith(prefix) || prefix.startsWith(j.name + "/"))
                .sorted(Comparator.comparing(j -> j.name))
                .toList();
    }

    ObjectNode describeLogStreams(JsonNode request, Instant now) {
        checkGroup(request);
        String prefix = request.path("logStreamNamePrefix").asText(null);
        List<ObjectNode> streams = new ArrayList<>();
        for (TrainingJobStore.Job job : jobsWithStreamPrefix(prefix)) {
            List<LogEvent> events = events(job, now);
            for (int host = 1; host <= hosts(job); host++) {
                String name = stream(job, host);
                List<LogEvent> own =
                        events.stream().filter(e -> e.stream().equals(name)).toList();
                if (own.isEmpty() || (prefix != null && !name.startsWith(prefix))) {
                    continue; // SageMaker creates a stream with its first event
                }
                ObjectNode s = JSON.createObjectNode();
                s.put("logStreamName", name);
                s.put("creationTime", own.get(0).time().toEpochMilli());
                s.put("firstEventTimestamp", own.get(0).time().toEpochMilli());
                s.put("lastEventTimestamp", own.get(own.size() - 1).time().toEpochMilli());
                s.put(
                        "arn",
                        "arn:aws:logs:us-east-1:" + SageMakerEmulator.ACCOUNT + ":log-group:" + GROUP + ":log-stream:"
                                + name);
                streams.add(s);
            }
        }
        int from = request.hasNonNull("nextToken")
                ? Integer.parseInt(request.get("nextToken").asText())
                : 0;
        int to = Math.min(streams.size(), from + request.path("limit").asInt(50));
        ObjectNode response = JSON.createObjectNode();
        streams.subList(Math.min(from, streams.size()), to).forEach(response.putArray("logStreams")::add);
        if (to < streams.size()) {
            response.put("nextToken", Integer.toString(to));
        }
        return response;
    }

    ObjectNode getLogEvents(JsonNode request, Instant now) {
        checkGroup(request);
        String stream =
                Checks.required(request, "logStreamName", "logStreamName").asText();
        TrainingJobStore.Job job = training.all().stream()
                .filter(j -> stream.startsWith(j.name + "/"))
                .findFirst()
                .orElseThrow(() ->
                        new AwsError("ResourceNotFoundException", 400, "The specified log stream does not exist."));
        List<LogEvent> events = window(
                events(job, now).stream().filter(e -> e.stream().equals(stream)).toList(), request);
        int from = request.hasNonNull("nextToken")
                ? Integer.parseInt(request.get("nextToken").asText().substring(2))
                : 0;
        int limit = request.path("limit").asInt(10000);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode out = response.putArray("events");
        int to = Math.min(events.size(), from + limit);
        for (LogEvent e : events.subList(Math.min(from, events.size()), to)) {
            ObjectNode o = out.addObject();
            o.put("timestamp", e.time().toEpochMilli());
            o.put("message", e.message());
            o.put("ingestionTime", e.time().toEpochMilli());
        }
        response.put("nextForwardToken", "f/" + to); // as CloudWatch: the same token again when nothing is new
        response.put("nextBackwardToken", "b/" + from);
        return response;
    }

    ObjectNode filterLogEvents(JsonNode request, Instant now) {
        checkGroup(request);
        String prefix = request.path("logStreamNamePrefix").asText(null);
        List<String> names = new ArrayList<>();
        request.path("logStreamNames").forEach(n -> names.add(n.asText()));
        if (prefix != null && !names.isEmpty()) {
            throw AwsError.validation("logStreamNamePrefix and logStreamNames are mutually exclusive");
        }
        List<LogEvent> events = new ArrayList<>();
        for (TrainingJobStore.Job job : jobsWithStreamPrefix(prefix)) {
            for (LogEvent e : events(job, now)) {
                if ((prefix == null || e.stream().startsWith(prefix))
                        && (names.isEmpty() || names.contains(e.stream()))) {
                    events.add(e);
                }
            }
        }
        events = window(events, request);
        events.sort(Comparator.comparing(LogEvent::time).thenComparing(LogEvent::id));
        int from = request.hasNonNull("nextToken")
                ? Integer.parseInt(request.get("nextToken").asText())
                : 0;
        int limit = Math.min(10000, request.path("limit").asInt(10000));
        ObjectNode response = JSON.createObjectNode();
        ArrayNode out = response.putArray("events");
        int to = Math.min(events.size(), from + limit);
        for (LogEvent e : events.subList(Math.min(from, events.size()), to)) {
            ObjectNode o = out.addObject();
            o.put("logStreamName", e.stream());
            o.put("timestamp", e.time().toEpochMilli());
            o.put("message", e.message());
            o.put("ingestionTime", e.time().toEpochMilli());
            o.put("eventId", e.id());
        }
        if (to < events.size()) {
            response.put("nextToken", Integer.toString(to));
        }
        return response;
    }

    private static List<LogEvent> window(List<LogEvent> events, JsonNode request) {
        long start = request.path("startTime").asLong(Long.MIN_VALUE);
        long end = request.path("endTime").asLong(Long.MAX_VALUE);
        return new ArrayList<>(events.stream()
                .filter(e -> e.time().toEpochMilli() >= start && e.time().toEpochMilli() <= end)
                .toList());
    }
}
