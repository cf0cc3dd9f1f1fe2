package io.mlforge.controlplane;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes control plane on loopback, as processes: etcd, kube-apiserver (TLS, RBAC authorization, a
 * static admin token, service-account tokens signed by a key of its own), kube-controller-manager (garbage
 * collection, Deployments, ReplicaSets, Jobs, HPAs, service accounts, node lifecycle) and kube-scheduler. Nodes
 * and the kubelet are not part of it: the sandbox's simulated nodes are plain API clients.
 *
 * <p>The binaries come from {@code e2e-tests/control-plane/build.sh} (built once per machine, or a directory the
 * user provides). Everything the processes write (data, certificates, logs) goes to the work directory.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    public static final String ADMIN_USER = "mlforge-admin";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** How to start it. */
    public record Options(Path workDir, int apiPort, boolean requestAudit, List<String> extraApiServerFlags) {
        public static Options in(Path workDir) {
            return new Options(workDir, 0, false, List.of());
        }

        /** 0: any free port. */
        public Options withApiPort(int port) {
            return new Options(workDir, port, requestAudit, extraApiServerFlags);
        }

        /**
         * Log the metadata (user, verb, resource) of service accounts' requests to audit.log, for
         * {@link #requestsUpToNow}.
         */
        public Options withRequestAudit(boolean audit) {
            return new Options(workDir, apiPort, audit, extraApiServerFlags);
        }
    }

    private final Options options;
    private final Path binaries;
    private final List<Process> processes = new ArrayList<>();
    /** Each component's command line and its running watchdog process, for {@link #kill} and {@link #restart}. */
    private final Map<String, List<String>> commands = new java.util.LinkedHashMap<>();

    private final Map<String, Process> components = new java.util.LinkedHashMap<>();
    private final String adminToken;
    private final int apiPort;
    private final Path caFile;
    private final Path adminKubeconfig;
    private final Path serviceAccountKey;
    private final Path serviceAccountPublicKey;

    private ControlPlane(Options options, Path binaries) throws IOException {
        this.options = options;
        this.binaries = binaries;
        Files.createDirectories(options.workDir());
        byte[] token = new byte[24];
        new SecureRandom().nextBytes(token);
        this.adminToken = HexFormat.of().formatHex(token);
        this.apiPort = options.apiPort() == 0 ? freePort() : options.apiPort();
        this.caFile = options.workDir().resolve("pki/apiserver.crt");
        this.adminKubeconfig = options.workDir().resolve("admin.kubeconfig");
        this.serviceAccountKey = options.workDir().resolve("pki/service-account.key");
        this.serviceAccountPublicKey = options.workDir().resolve("pki/service-account.pub");
    }

    /** Builds or finds the binaries, starts every component and waits until the API server is ready. */
    public static ControlPlane start(Options options) throws IOException, InterruptedException {
        Path binaries = KubeBinaries.locate();
        for (int attempt = 1; ; attempt++) {
            ControlPlane controlPlane = new ControlPlane(options, binaries);
            try {
                controlPlane.startAll();
                return controlPlane;
            } catch (IOException | InterruptedException | RuntimeException e) {
                boolean portTaken = controlPlane.tails().contains("address already in use");
                controlPlane.close();
                // another process took a port between our check and the component's bind: new ports, once more
                if (!portTaken || attempt == 3) {
                    throw e;
                }
                controlPlane.keepLogsOfFailedAttempt(attempt);
                LOG.warn("a control-plane port was taken before its component bound it; starting again on new ports");
            }
        }
    }

    private void startAll() throws IOException, InterruptedException {
        Instant started = Instant.now();
        Path dir = options.workDir();
        deleteQuietly(dir.resolve("etcd-data"));
        deleteQuietly(dir.resolve("pki")); // a fresh serving certificate and keys every start
        Path pki = Files.createDirectories(dir.resolve("pki"));
        writeServiceAccountKeys();
        Files.writeString(
                pki.resolve("tokens.csv"), adminToken + "," + ADMIN_USER + ",mlforge-admin-uid,\"system:masters\"\n");
        int etcdPort = freePort();
        int etcdPeerPort = freePort();
        String etcdUrl = "http://127.0.0.1:" + etcdPort;
        launch(
                "etcd",
                List.of(
                        bin("etcd"),
                        "--name=mlforge",
                        "--data-dir=" + dir.resolve("etcd-data"),
                        "--listen-client-urls=" + etcdUrl,
                        "--advertise-client-urls=" + etcdUrl,
                        "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                        "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                        "--initial-cluster=mlforge=http://127.0.0.1:" + etcdPeerPort,
                        // tests and the sandbox throw the data away: no fsync, small backend
                        "--unsafe-no-fsync=true",
                        "--quota-backend-bytes=4294967296",
                        "--log-level=warn"));
        List<String> apiServer = new ArrayList<>(List.of(
                bin("kube-apiserver"),
                "--etcd-servers=" + etcdUrl,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + apiPort,
                "--cert-dir=" + pki,
                "--token-auth-file=" + pki.resolve("tokens.csv"),
                "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                "--service-account-key-file=" + serviceAccountPublicKey,
                "--service-account-signing-key-file=" + serviceAccountKey,
                "--api-audiences=https://kubernetes.default.svc.cluster.local",
                "--service-cluster-ip-range=10.96.0.0/16",
                // pods/log is proxied to the simulated kubelets on loopback
                "--kubelet-preferred-address-types=InternalIP",
                "--allow-privileged=true",
                // as OpenShift: setting blockOwnerDeletion on an owner reference needs update on the owner's
                // finalizers, so the chart's */finalizers rules are checked, not just granted
                "--enable-admission-plugins=OwnerReferencesPermissionEnforcement",
                // the "kubernetes" Service cannot point at a loopback address; nothing here needs it
                "--endpoint-reconciler-type=none",
                // no kube-proxy: webhook and APIService Services are reached at their endpoints' addresses
                "--enable-aggregator-routing=true",
                "--event-ttl=1h",
                "--v=1"));
        if (options.requestAudit()) {
            // Only what requestsUpToNow reads: requests of service accounts (the operator runs as one; the admin
            // client, the simulated kubelets and the control plane's own components do not) and the admin's marker
            // reads. Auditing every request cost the API server about 5 % of its CPU in the TrainingJob benchmark,
            // a cost the phases without audit (the floor's) did not pay.
            Path policy = Files.writeString(pki.resolve("audit-policy.yaml"), """
                    apiVersion: audit.k8s.io/v1
                    kind: Policy
                    omitStages: [RequestReceived]
                    rules:
                    - level: Metadata
                      userGroups: ["system:serviceaccounts"]
                    - level: Metadata
                      users: ["%s"]
                      verbs: ["get"]
                      namespaces: ["default"]
                      resources: [{group: "", resources: ["configmaps"]}]
                    - level: None
                    """.formatted(ADMIN_USER));
            apiServer.addAll(List.of(
                    "--audit-policy-file=" + policy,
                    "--audit-log-path=" + auditLog(),
                    "--audit-log-format=json",
                    "--audit-log-mode=batch",
                    "--audit-log-maxsize=0"));
        }
        apiServer.addAll(options.extraApiServerFlags());
        launch("kube-apiserver", apiServer);
        waitForApiServer(started);
        writeKubeconfig(adminKubeconfig, "mlforge-admin", Map.of("token", adminToken), "default");
        launch(
                "kube-controller-manager",
                List.of(
                        bin("kube-controller-manager"),
                        "--kubeconfig=" + adminKubeconfig,
                        "--authentication-kubeconfig=" + adminKubeconfig,
                        "--authorization-kubeconfig=" + adminKubeconfig,
                        "--bind-address=127.0.0.1",
                        "--secure-port=" + freePort(),
                        "--leader-elect=false",
                        "--service-account-private-key-file=" + serviceAccountKey,
                        "--root-ca-file=" + caFile,
                        "--use-service-account-credentials=false",
                        "--controllers=*,-bootstrapsigner,-tokencleaner",
                        // simulated nodes never go away on their own: give heartbeats the usual grace
                        "--node-monitor-grace-period=50s",
                        "--concurrent-gc-syncs=20",
                        "--kube-api-qps=200",
                        "--kube-api-burst=400",
                        "--v=1"));
        launch(
                "kube-scheduler",
                List.of(
                        bin("kube-scheduler"),
                        "--kubeconfig=" + adminKubeconfig,
                        "--authentication-kubeconfig=" + adminKubeconfig,
                        "--authorization-kubeconfig=" + adminKubeconfig,
                        "--bind-address=127.0.0.1",
                        "--secure-port=" + freePort(),
                        "--leader-elect=false",
                        "--kube-api-qps=200",
                        "--kube-api-burst=400",
                        "--v=1"));
        try (KubernetesClient client = adminClient()) {
            // the service-account controller creates each namespace's "default" account: proof the controllers run
            waitFor(
                    "the controller manager",
                    started,
                    () -> client.serviceAccounts()
                                    .inNamespace("default")
                                    .withName("default")
                                    .get()
                            != null);
        }
        LOG.info(
                "control plane ready at {} in {} ms (binaries {})",
                url(),
                Duration.between(started, Instant.now()).toMillis(),
                binaries);
    }

    private String bin(String name) {
        return binaries.resolve(name).toString();
    }

    /**
     * Runs the command under a small bash watchdog that ends it when this JVM goes away, even by SIGKILL (a test run
     * killed for taking too long must not leave an API server and etcd behind).
     */
    private static final String WATCHDOG = "\"$@\" & child=$!; trap 'kill $child 2>/dev/null' EXIT INT TERM; "
            + "while kill -0 \"$MLFORGE_PARENT_PID\" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; "
            + "kill -0 $child 2>/dev/null && kill $child; wait $child";

    private synchronized void launch(String name, List<String> command) throws IOException {
        Path log = options.workDir().resolve(name + ".log");
        List<String> watched = new ArrayList<>(List.of("bash", "-c", WATCHDOG, name));
        watched.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(watched)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment()
                .put("MLFORGE_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        Process process = builder.start();
        processes.add(process);
        commands.put(name, List.copyOf(command));
        components.put(name, process);
        LOG.debug("started {} (pid {}), log {}", name, process.pid(), log);
    }

    /**
     * CPU time (user and system) one component has used since it started, e.g. to put what kube-apiserver spent on a
     * benchmark's workload next to the workload's figures; null when the component is not running or the platform
     * does not report it.
     */
    public synchronized Duration cpuTime(String component) {
        Process process = components.get(component);
        if (process == null) {
            return null;
        }
        // the watchdog shell, and under it the component itself
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()), process.descendants())
                .map(handle -> handle.info().totalCpuDuration().orElse(null))
                .filter(java.util.Objects::nonNull)
                .reduce(Duration::plus)
                .orElse(null);
    }

    /** The components {@link #kill} and {@link #restart} know: etcd, kube-apiserver, kube-controller-manager, kube-scheduler. */
    public synchronized java.util.Set<String> components() {
        return java.util.Set.copyOf(commands.keySet());
    }

    /**
     * SIGKILLs one component (as a crashed process or a lost machine: no graceful shutdown) and waits until it is gone;
     * {@link #restart} starts it again with the same command line, ports and data.
     */
    public synchronized void kill(String component) throws InterruptedException {
        Process process = components.remove(component);
        if (process == null) {
            if (!commands.containsKey(component)) {
                throw new IllegalArgumentException("no component " + component + "; known: " + commands.keySet());
            }
            return; // already down
        }
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        for (ProcessHandle child : tree) {
            child.onExit()
                    .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                    .exceptionally(e -> child)
                    .join();
        }
        processes.remove(process);
        LOG.info("killed {}", component);
    }

    /**
     * Starts a component {@link #kill} stopped (or kills and starts a running one); returns once the API server
     * answers /readyz again (it needs etcd too).
     */
    public void restart(String component) throws IOException, InterruptedException {
        Instant started = Instant.now();
        synchronized (this) {
            if (components.containsKey(component)) {
                kill(component);
            }
            List<String> command = commands.get(component);
            if (command == null) {
                throw new IllegalArgumentException("no component " + component + "; known: " + commands.keySet());
            }
            launch(component, command);
        }
        if (components.containsKey("kube-apiserver") && components.containsKey("etcd")) {
            waitForApiServer(started);
        }
        LOG.info(
                "restarted {} in {} ms",
                component,
                Duration.between(started, Instant.now()).toMillis());
    }

    private void waitForApiServer(Instant started) throws InterruptedException {
        HttpClient[] http = new HttpClient[1];
        waitFor("kube-apiserver", started, () -> {
            if (!Files.exists(caFile)) {
                return false;
            }
            if (http[0] == null) { // trust the certificate the API server generated at its start
                http[0] = HttpClient.newBuilder()
                        .sslContext(trustingApiServer())
                        .connectTimeout(Duration.ofSeconds(2))
                        .build();
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/readyz"))
                    .header("Authorization", "Bearer " + adminToken)
                    .timeout(Duration.ofSeconds(5))
                    .build();
            try {
                return http[0].send(request, HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private interface Check {
        boolean ok() throws InterruptedException;
    }

    private void waitFor(String what, Instant started, Check check) throws InterruptedException {
        while (true) {
            for (int i = 0; i < processes.size(); i++) {
                if (!processes.get(i).isAlive()) {
                    throw new IllegalStateException("a control-plane process exited with "
                            + processes.get(i).exitValue() + " while waiting for " + what + "; see the logs in "
                            + options.workDir() + ":\n" + tails());
                }
            }
            try {
                if (check.ok()) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.trace("waiting for {}: {}", what, e.getMessage());
            }
            if (Duration.between(started, Instant.now()).compareTo(START_TIMEOUT) > 0) {
                throw new IllegalStateException(what + " not ready after " + START_TIMEOUT.toSeconds()
                        + " s; see the logs in " + options.workDir() + ":\n" + tails());
            }
            Thread.sleep(200);
        }
    }

    private void keepLogsOfFailedAttempt(int attempt) {
        for (String name : List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")) {
            Path log = options.workDir().resolve(name + ".log");
            try {
                if (Files.exists(log)) {
                    Files.move(
                            log,
                            log.resolveSibling(name + ".attempt-" + attempt + ".log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                LOG.debug("cannot keep {}: {}", log, e.getMessage());
            }
        }
    }

    private String tails() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")) {
            Path log = options.workDir().resolve(name + ".log");
            if (Files.exists(log)) {
                try {
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    out.append("--- ").append(name).append(" (last lines)\n");
                    lines.subList(Math.max(0, lines.size() - 8), lines.size())
                            .forEach(l -> out.append(l).append('\n'));
                } catch (IOException e) {
                    out.append("--- ")
                            .append(name)
                            .append(": ")
                            .append(e.getMessage())
                            .append('\n');
                }
            }
        }
        return out.toString();
    }

    private SSLContext trustingApiServer() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            if (Files.exists(caFile)) {
                int i = 0;
                try (var in = Files.newInputStream(caFile)) {
                    for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        trust.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
                    }
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot read the API server's certificate " + caFile + ": " + e.getMessage(), e);
        }
    }

    private void writeServiceAccountKeys() throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.writeString(
                    serviceAccountKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(
                    serviceAccountPublicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    static int freePort() throws IOException {
        return LoopbackPorts.free();
    }

    private Path auditLog() {
        return options.workDir().resolve("audit.log");
    }

    private long auditOffset;

    /** Forgets the requests audited so far ({@link #requestsUpToNow} reads from here). */
    public synchronized void resetRequests() throws IOException {
        auditOffset = Files.exists(auditLog()) ? Files.size(auditLog()) : 0;
    }

    /**
     * One request as the audit log records it; {@code apiGroup} is "" for the core group, {@code resource} is the URI
     * for non-resource requests; {@code name} is the object's ("" for lists, watches and non-resource requests);
     * {@code forbiddenByRbac} when the authorizer refused it (a 403 from admission, such as an exceeded ResourceQuota,
     * is not); {@code requestUri} with its query (label selector, limit, continue).
     */
    public record AuditedRequest(
            String verb,
            String apiGroup,
            String resource,
            String subresource,
            String namespace,
            String name,
            int code,
            boolean forbiddenByRbac,
            String requestUri) {
        /** "resource" or "resource/subresource". */
        public String fullResource() {
            return subresource.isEmpty() ? resource : resource + "/" + subresource;
        }
    }

    /**
     * Requests of one service account since the last reset up to this call, all of them (only service accounts are
     * audited): the admin makes a marker request and the audit log is read once it holds the marker (the backend
     * writes in order), so a user that keeps making requests (a leader renewing its lease) does not keep the answer
     * open.
     */
    public List<AuditedRequest> requestsUpToNow(String user) throws IOException, InterruptedException {
        String marker = "/api/v1/namespaces/default/configmaps/audit-marker-" + java.util.UUID.randomUUID();
        try (KubernetesClient admin = adminClient()) {
            admin.raw(marker);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<AuditedRequest> requests = readAudit(user, marker);
            if (requests != null) {
                return requests;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the audit log did not record the marker request " + marker + " within 60 s");
    }

    /** The user's requests from the offset; with a marker URI, up to it, or null when the marker is not written yet. */
    private synchronized List<AuditedRequest> readAudit(String user, String markerUri) throws IOException {
        if (!options.requestAudit()) {
            throw new IllegalStateException("the control plane was started without request audit");
        }
        List<AuditedRequest> requests = new ArrayList<>();
        // a long-running request (a watch, a followed log) is logged when its response starts and again when it
        // completes, maybe much later: count each request once, at the first of the two
        java.util.Set<String> counted = new java.util.HashSet<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (var channel = java.nio.channels.FileChannel.open(auditLog())) {
            channel.position(auditOffset);
            var reader =
                    new java.io.BufferedReader(java.nio.channels.Channels.newReader(channel, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                var event = json.readTree(line);
                if (markerUri != null
                        && markerUri.equals(event.path("requestURI").asText())
                        && "ResponseComplete".equals(event.path("stage").asText())) {
                    return requests;
                }
                String stage = event.path("stage").asText();
                if (!user.equals(event.at("/user/username").asText())
                        || !("ResponseStarted".equals(stage) || "ResponseComplete".equals(stage))
                        || !counted.add(event.path("auditID").asText())) {
                    continue;
                }
                requests.add(new AuditedRequest(
                        event.path("verb").asText(),
                        event.at("/objectRef/apiGroup").asText(""),
                        event.at("/objectRef/resource")
                                .asText(event.path("requestURI").asText()),
                        event.at("/objectRef/subresource").asText(""),
                        event.at("/objectRef/namespace").asText(""),
                        event.at("/objectRef/name").asText(""),
                        event.at("/responseStatus/code").asInt(0),
                        "forbid"
                                .equals(event.path("annotations")
                                        .path("authorization.k8s.io/decision")
                                        .asText()),
                        event.path("requestURI").asText()));
            }
        }
        return markerUri == null ? requests : null;
    }

    /**
     * Installs or updates a CustomResourceDefinition by server-side apply (taking over fields another manager set, as
     * {@code kubectl apply --server-side --force-conflicts} does); {@link #awaitEstablished} waits until it is served.
     */
    public static void applyCrd(KubernetesClient client, CustomResourceDefinition crd) {
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(crd)
                .forceConflicts()
                .serverSideApply();
    }

    /** Waits until the API server serves a CustomResourceDefinition (its Established condition is True). */
    public static void awaitEstablished(KubernetesClient client, String crdName) {
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(crdName)
                .waitUntilCondition(
                        c -> c != null
                                && c.getStatus() != null
                                && c.getStatus().getConditions() != null
                                && c.getStatus().getConditions().stream()
                                        .anyMatch(
                                                x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                        60,
                        java.util.concurrent.TimeUnit.SECONDS);
        // Established comes before discovery lists the kind; clients that look a kind up (kubectl, fabric8's
        // genericKubernetesResources(apiVersion, kind), load(yaml)) fail with "no matches for kind" until it does
        CustomResourceDefinition crd = client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(crdName)
                .get();
        String group = crd.getSpec().getGroup();
        String plural = crd.getSpec().getNames().getPlural();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        for (var version : crd.getSpec().getVersions()) {
            if (!Boolean.TRUE.equals(version.getServed())) {
                continue;
            }
            while (!discoveryLists(client, group + "/" + version.getName(), plural)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("discovery does not list " + plural + " in " + group + "/"
                            + version.getName() + " 60 s after the CRD " + crdName + " was Established");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static boolean discoveryLists(KubernetesClient client, String groupVersion, String plural) {
        io.fabric8.kubernetes.api.model.APIResourceList resources;
        try {
            resources = client.getApiResources(groupVersion);
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
        return resources != null && resources.getResources().stream().anyMatch(r -> plural.equals(r.getName()));
    }

    /** https://127.0.0.1:port */
    public String url() {
        return "https://127.0.0.1:" + apiPort;
    }

    public int apiPort() {
        return apiPort;
    }

    /** The PEM file clients trust the API server with (its self-generated serving certificate and CA). */
    public Path caFile() {
        return caFile;
    }

    /** A kubeconfig for the admin user (system:masters). */
    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    /** The directory holding kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and etcd. */
    public Path binaries() {
        return binaries;
    }

    public Path kubectl() {
        return binaries.resolve("kubectl");
    }

    public Path workDir() {
        return options.workDir();
    }

    /** A client authenticated as the admin user. */
    public KubernetesClient adminClient() {
        return client(adminToken, Map.of());
    }

    /** A client authenticated by a bearer token (a service account's, from the TokenRequest API). */
    public KubernetesClient client(String token, Map<String, String> headers) {
        Config config = Config.empty();
        config.setMasterUrl(url());
        config.setCaCertFile(caFile.toString());
        config.setOauthToken(token);
        config.setNamespace("default");
        config.setRequestTimeout(30_000);
        config.setConnectionTimeout(10_000);
        config.setCustomHeaders(headers);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * Writes a kubeconfig for this API server. {@code credentials}: {@code token}, or {@code client-certificate} /
     * {@code client-key} paths.
     */
    public Path writeKubeconfig(Path file, String user, Map<String, String> credentials, String namespace)
            throws IOException {
        StringBuilder userBlock = new StringBuilder();
        credentials.forEach((k, v) ->
                userBlock.append("    ").append(k).append(": ").append(v).append('\n'));
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mlforge
                  cluster:
                    server: %s
                    certificate-authority: %s
                users:
                - name: %s
                  user:
                %scontexts:
                - name: mlforge
                  context:
                    cluster: mlforge
                    user: %s
                    namespace: %s
                current-context: mlforge
                """.formatted(url(), caFile.toAbsolutePath(), user, userBlock, user, namespace);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, kubeconfig);
        return file;
    }

    /** Runs the control plane's kubectl with the admin kubeconfig; returns exit code and output. */
    public Kubectl.Result kubectl(String... args) {
        return new Kubectl(kubectl(), adminKubeconfig).run(args);
    }

    /** Starts a bare control plane in the given directory (default target/control-plane) until interrupted. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/control-plane").toAbsolutePath();
        ControlPlane controlPlane = start(Options.in(dir));
        Runtime.getRuntime().addShutdownHook(new Thread(controlPlane::close));
        System.out.println("Kubernetes API server at " + controlPlane.url() + "; export KUBECONFIG="
                + controlPlane.adminKubeconfig() + " (kubectl: " + controlPlane.kubectl() + ")");
        Thread.currentThread().join();
    }

    @Override
    public void close() {
        List<Process> reversed = new ArrayList<>(processes);
        java.util.Collections.reverse(reversed);
        // The watchdog's child (the component itself) is stopped with it: a watchdog killed after the wait below would
        // otherwise leave a kube-apiserver in graceful shutdown running on, orphaned, long after its etcd is gone.
        List<List<ProcessHandle>> children = new ArrayList<>();
        for (Process p : reversed) {
            List<ProcessHandle> tree = p.descendants().toList();
            children.add(tree);
            tree.forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (int i = 0; i < reversed.size(); i++) {
            Process p = reversed.get(i);
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            children.get(i).stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        processes.clear();
        deleteQuietly(options.workDir().resolve("etcd-data"));
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
