package io.mlforge.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code kubectl mlforge}: the operator's command-line companion. Commands: {@code logs} (see {@link LogsCommand}), {@code invoke}
 * (see {@link InvokeCommand}).
 * Exit codes: 0 done, 1 failed (message on stderr), 2 usage error.
 */
public final class MlforgeCli {
    static final String USAGE = """
            Usage: kubectl mlforge logs TRAININGJOB [options]
                   kubectl mlforge invoke ENDPOINT --body @FILE|-|TEXT [options]

            logs

            Prints the logs of a TrainingJob's attempt: from CloudWatch Logs for backend SageMaker (log group
            /aws/sagemaker/TrainingJobs, one stream per instance, lines prefixed [algo-N]); from its pods for backend
            Kubernetes (lines prefixed [pod]). Credentials: the AWS default chain (environment, profile, SSO, IRSA);
            a TrainingJob's sagemaker.assumeRoleArn is assumed as the operator does.

            Options:
              -n, --namespace NS       namespace of the TrainingJob (default: the kubeconfig context's, else default)
              --attempt N              attempt number (default: the current attempt)
              -f, --follow             keep printing new lines until the attempt ends (backend SageMaker)
              --since DURATION         only lines newer than this, e.g. 30s, 10m, 2h
              --kubeconfig PATH        kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)
              --region REGION          region of the logs (default: the TrainingJob's)
              --endpoint-url URL       CloudWatch Logs endpoint (a VPC endpoint, or the sandbox's emulator)
              --poll-interval DURATION how often --follow asks for new lines (default 2s)

            invoke
            Sends one request to an Endpoint and prints the answer on stdout, and on stderr the variant that served
            it. Backend SageMaker: SageMaker Runtime's InvokeEndpoint (SageMaker picks the variant by weight).
            Backend Kubernetes: POST /invocations through the API server's service proxy to a variant's Service
            (picked by the spec's weights among variants with ready replicas); no port-forward or ingress needed.
            The Endpoint must be InService (or Updating); a missing, not-ready or failed one is an error.

            Options:
              -n, --namespace NS       namespace of the Endpoint (default: the kubeconfig context's, else default)
              -d, --body @FILE|-|TEXT  the request: a file, standard input, or the text itself (required)
              --variant NAME           send it to this variant
              --content-type TYPE      the request's content type (default application/json)
              --accept TYPE            the answer's content type, when the model offers several
              --kubeconfig PATH        kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)
              --region REGION          region of the SageMaker endpoint (default: the Endpoint's)
              --endpoint-url URL       SageMaker Runtime endpoint (a VPC endpoint, or the sandbox's emulator)
            """;

    private MlforgeCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs one command with no standard input; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, InputStream.nullInputStream(), out, err);
    }

    /** Runs one command; returns the exit code. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            return switch (args[0]) {
                case "logs" ->
                    LogsCommand.parse(Arrays.copyOfRange(args, 1, args.length)).run(out, err);
                case "invoke" ->
                    InvokeCommand.parse(Arrays.copyOfRange(args, 1, args.length))
                            .run(in, out, err);
                default -> throw new UsageException("unknown command " + args[0]);
            };
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (CliException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** Wrong arguments. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** The command could not do its job; the message says why. */
    static final class CliException extends RuntimeException {
        CliException(String message) {
            super(message);
        }
    }
}
