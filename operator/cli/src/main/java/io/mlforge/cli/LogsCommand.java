package io.mlforge.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mlforge.api.v1alpha1.Backend;
import io.mlforge.api.v1alpha1.TrainingAttempt;
import io.mlforge.api.v1alpha1.TrainingJob;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** {@code logs TRAININGJOB}: finds the attempt in the TrainingJob's status and prints its logs from where they are. */
final class LogsCommand {
    String name;
    String namespace;
    Integer attempt;
    boolean follow;
    Duration since;
    Path kubeconfig;
    String region;
    URI endpoint;
    Duration pollInterval = Duration.ofSeconds(2);

    static LogsCommand parse(String[] args) {
        LogsCommand c = new LogsCommand();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
            String option = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            switch (option) {
                case "-n", "--namespace" -> c.namespace = value != null ? value : next(args, ++i, a);
                case "--attempt" -> c.attempt = positive(value != null ? value : next(args, ++i, a), a);
                case "-f", "--follow" -> c.follow = true;
                case "--since" -> c.since = duration(value != null ? value : next(args, ++i, a), a);
                case "--kubeconfig" -> c.kubeconfig = Path.of(value != null ? value : next(args, ++i, a));
                case "--region" -> c.region = value != null ? value : next(args, ++i, a);
                case "--endpoint-url" -> c.endpoint = URI.create(value != null ? value : next(args, ++i, a));
                case "--poll-interval" -> c.pollInterval = duration(value != null ? value : next(args, ++i, a), a);
                default -> {
                    if (a.startsWith("-")) {
                        throw new MlforgeCli.UsageException("unknown option " + a);
                    }
                    if (c.name != null) {
                        throw new MlforgeCli.UsageException(
                                "one TrainingJob at a time (got " + c.name + " and " + a + ")");
                    }
                    c.name = a.startsWith("trainingjob/") ? a.substring("trainingjob/".length()) : a;
                }
            }
        }
        if (c.name == null) {
            throw new MlforgeCli.UsageException("name the TrainingJob");
        }
        return c;
    }

    static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new MlforgeCli.UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String value, String option) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MlforgeCli.UsageException(option + " must be a number from 1, not " + value);
    }

    /** 30s, 10m, 2h, 1d, or an ISO-8601 duration (PT10M). */
    static Duration duration(String value, String option) {
        try {
            if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
                return Duration.parse(value);
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new MlforgeCli.UsageException(option + " takes a duration such as 30s, 10m or 2h, not " + value);
        }
    }

    int run(PrintStream out, PrintStream err) {
        try (KubernetesClient client = KubeClients.open(kubeconfig)) {
            String ns = KubeClients.namespace(client, namespace);
            TrainingJob job = read(client, ns);
            TrainingAttempt chosen = chooseAttempt(job);
            Instant from = since == null ? null : Instant.now().minus(since);
            Backend backend = job.getSpec().backend == null ? Backend.Kubernetes : job.getSpec().backend;
            if (backend == Backend.SageMaker) {
                try (CloudWatchTrainingLogs logs = CloudWatchTrainingLogs.open(job, region, endpoint)) {
                    return logs.print(
                            chosen,
                            from,
                            follow ? () -> ended(client, ns, chosen.number) : null,
                            pollInterval,
                            out,
                            err);
                }
            }
            return new PodTrainingLogs(client, ns).print(chosen, from, follow, out, err);
        } catch (KubernetesClientException e) {
            throw new MlforgeCli.CliException("reading TrainingJob " + name + ": " + e.getMessage());
        }
    }

    private TrainingJob read(KubernetesClient client, String ns) {
        TrainingJob job = client.resources(TrainingJob.class)
                .inNamespace(ns)
                .withName(name)
                .get();
        if (job == null) {
            throw new MlforgeCli.CliException("TrainingJob " + ns + "/" + name + " not found");
        }
        return job;
    }

    private TrainingAttempt chooseAttempt(TrainingJob job) {
        var attempts = job.getStatus() == null || job.getStatus().attempts == null
                ? java.util.List.<TrainingAttempt>of()
                : job.getStatus().attempts;
        if (attempts.isEmpty()) {
            throw new MlforgeCli.CliException("TrainingJob " + name + " has not started an attempt yet"
                    + (job.getStatus() == null || job.getStatus().conditions == null
                            ? ""
                            : " (phase " + job.getStatus().phase + ")"));
        }
        if (attempt == null) {
            return attempts.get(attempts.size() - 1);
        }
        return attempts.stream()
                .filter(a -> attempt.equals(a.number))
                .findFirst()
                .orElseThrow(() -> new MlforgeCli.CliException("TrainingJob " + name + " has no attempt " + attempt
                        + " (attempts 1 to " + attempts.size() + ")"));
    }

    /** Whether the attempt has ended (its logs are complete once read again). */
    private boolean ended(KubernetesClient client, String ns, int number) {
        TrainingJob job = read(client, ns);
        return job.getStatus().attempts.stream()
                .filter(a -> a.number == number)
                .findFirst()
                .map(a -> a.completionTime != null)
                .orElse(true);
    }
}
