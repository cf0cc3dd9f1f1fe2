package io.mlforge.sandbox.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.mlforge.controlplane.ControlPlane.AuditedRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The operator's API requests job by job, next to the phases each TrainingJob was seen in. The budget (at most
 * six requests per job: the pod, one status write per phase change, two Events) is for a job whose pod starts
 * promptly; a job whose pod waits on its node past the Starting threshold passes through one phase more, which costs
 * one status write more. So the requests are counted per job and split by whether the job was ever seen Starting, and
 * the status writes are set against the phase changes seen: 1.00 means one write per phase change and no write that
 * changed nothing.
 */
final class RequestsPerJob {
    /** The phase the operator reports while a scheduled pod waits for its node to start it. */
    static final String STARTING = "Starting";

    /** Each job's phases in the order the benchmark's informer saw them, repeats left out. */
    private final Map<String, List<String>> phases = new ConcurrentHashMap<>();

    /** Records every phase a TrainingJob is seen in. */
    ResourceEventHandler<GenericKubernetesResource> trainingJobs() {
        return Bench.onAddOrUpdate(this::record);
    }

    private void record(GenericKubernetesResource job) {
        if (job.getAdditionalProperties().get("status") instanceof Map<?, ?> status
                && status.get("phase") instanceof String phase) {
            seen(job.getMetadata().getName(), phase);
        }
    }

    /** Job {@code job} seen in {@code phase}. */
    void seen(String job, String phase) {
        List<String> list = phases.computeIfAbsent(job, j -> new ArrayList<>());
        synchronized (list) {
            if (list.isEmpty() || !list.get(list.size() - 1).equals(phase)) {
                list.add(phase);
            }
        }
    }

    /**
     * The job a request was about: a TrainingJob's own name, an Event's ({@code <job>.<suffix>}) or a pod's (by
     * {@code podJobs}, pod name to job); null for requests about no one job (watches, lists).
     */
    static String jobOf(AuditedRequest request, Collection<String> jobs, Map<String, String> podJobs) {
        String name = request.name();
        if (name == null || name.isEmpty()) {
            return null;
        }
        return switch (request.resource()) {
            case "trainingjobs" -> jobs.contains(name) ? name : null;
            case "pods" -> podJobs.get(name);
            case "events" -> {
                int dot = name.lastIndexOf('.');
                yield dot > 0 && jobs.contains(name.substring(0, dot)) ? name.substring(0, dot) : null;
            }
            default -> null;
        };
    }

    /**
     * Puts {@code operator_jobs_through_starting}, {@code operator_api_requests_per_job_without_starting} and {@code
     * _through_starting} (means over the jobs of each group), {@code operator_api_requests_per_job_by_group} (each
     * group's mean by verb and resource), {@code operator_api_requests_not_per_job} (watches, lists) and {@code
     * operator_status_writes_per_phase_change}.
     */
    void report(Map<String, Object> figures, List<AuditedRequest> requests, Map<String, String> podJobs) {
        Map<String, Map<String, Long>> byJob = new HashMap<>();
        phases.keySet().forEach(job -> byJob.put(job, new TreeMap<>()));
        long notPerJob = 0;
        for (AuditedRequest request : requests) {
            String job = jobOf(request, phases.keySet(), podJobs);
            if (job == null) {
                notPerJob++;
            } else {
                byJob.get(job).merge(request.verb() + " " + request.fullResource(), 1L, Long::sum);
            }
        }
        Function<String, Boolean> throughStarting = job -> {
            List<String> seen = phases.get(job);
            synchronized (seen) {
                return seen.contains(STARTING);
            }
        };
        Map<String, Object> groups = new TreeMap<>();
        int[] counts = new int[2];
        for (boolean starting : new boolean[] {false, true}) {
            List<Map<String, Long>> members = byJob.entrySet().stream()
                    .filter(e -> throughStarting.apply(e.getKey()) == starting)
                    .map(Map.Entry::getValue)
                    .toList();
            counts[starting ? 1 : 0] = members.size();
            String group = starting ? "through_starting" : "without_starting";
            if (members.isEmpty()) {
                continue;
            }
            Map<String, Double> mean = new TreeMap<>();
            members.forEach(m -> m.forEach((what, n) -> mean.merge(what, (double) n, Double::sum)));
            mean.replaceAll((what, sum) -> Bench.round(sum / members.size()));
            groups.put(group, mean);
            long total = members.stream()
                    .flatMap(m -> m.values().stream())
                    .mapToLong(Long::longValue)
                    .sum();
            figures.put("operator_api_requests_per_job_" + group, Bench.round((double) total / members.size()));
        }
        figures.put("operator_jobs_through_starting", counts[1]);
        figures.put("operator_api_requests_not_per_job", notPerJob);
        figures.put("operator_api_requests_per_job_by_group", groups);
        long statusWrites = byJob.values().stream()
                .flatMap(m -> m.entrySet().stream())
                .filter(e -> e.getKey().endsWith(" trainingjobs/status")
                        && !e.getKey().startsWith("get "))
                .mapToLong(Map.Entry::getValue)
                .sum();
        long phaseChanges = phases.values().stream().mapToLong(List::size).sum();
        if (phaseChanges > 0) {
            figures.put("operator_status_writes_per_phase_change", Bench.round((double) statusWrites / phaseChanges));
        }
    }
}
