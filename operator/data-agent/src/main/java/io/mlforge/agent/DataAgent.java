package io.mlforge.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * The data agent of a training pod (the operator image run with {@code java -cp ... io.mlforge.agent.DataAgent MODE}).
 * <ul>
 *   <li>{@code prepare} (init container): writes /opt/ml/input/config, creates the /opt/ml tree, downloads s3://
 *       channels to /opt/ml/input/data/&lt;channel&gt; and restores checkpoints;</li>
 *   <li>{@code sidecar} (native sidecar): syncs checkpoints to S3 every few seconds; when the trainer has exited and
 *       the kubelet stops the sidecar (SIGTERM), syncs a last time and, on host algo-1, uploads the model.</li>
 * </ul>
 * The outcome goes to the container's termination message as JSON, where the operator reads it.
 */
public final class DataAgent {
    static final String TERMINATION_LOG_ENV = "MLFORGE_TERMINATION_LOG";
    static final String MODEL_URI_ENV = "MLFORGE_MODEL_URI";
    static final String MODEL_DIR_ENV = "MLFORGE_MODEL_DIR";
    /** Where the model cache is mounted (see {@link ModelCache}); unset: no cache. */
    public static final String MODEL_CACHE_DIR_ENV = "MLFORGE_MODEL_CACHE_DIR";

    public static final String MODEL_CACHE_MAX_BYTES_ENV = "MLFORGE_MODEL_CACHE_MAX_BYTES";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentPlan plan;
    private final ObjectStore store;
    private final Path root;
    private final Map<Path, String> syncedVersions = new HashMap<>();
    private final ReentrantLock syncLock = new ReentrantLock();

    public DataAgent(AgentPlan plan, ObjectStore store, Path root) {
        this.plan = plan;
        this.store = store;
        this.root = root;
    }

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "";
        Path terminationLog = Path.of(System.getenv().getOrDefault(TERMINATION_LOG_ENV, "/dev/termination-log"));
        if (mode.equals("pipeline")) {
            // serving pods of inference pipelines (chain the containers, as SageMaker's serial inference does) and of
            // variants that scale on requests (count them for Prometheus)
            try {
                List<Integer> ports = java.util.Arrays.stream(
                                System.getenv("MLFORGE_PIPELINE_PORTS").split(","))
                        .map(Integer::parseInt)
                        .toList();
                PipelineRouter router = new PipelineRouter(
                        Integer.parseInt(System.getenv().getOrDefault("MLFORGE_PIPELINE_LISTEN", "8080")),
                        ports,
                        System.getenv().getOrDefault("MLFORGE_PIPELINE_HEALTH_PATH", "/ping"),
                        Integer.parseInt(System.getenv().getOrDefault("MLFORGE_METRICS_PORT", "-1")),
                        new RequestMeter(System.getenv().getOrDefault("MLFORGE_METRICS_LABELS", "")));
                System.out.println("request router on " + router.port() + " -> " + ports
                        + (router.metricsPort() < 0 ? "" : ", metrics on " + router.metricsPort()));
                Thread.currentThread().join();
            } catch (Exception e) {
                System.err.println("pipeline router failed: " + describe(e));
                System.exit(1);
            }
        }
        if (mode.equals("model")) {
            // serving pods: the model for /opt/ml/model (SageMaker's serving contract), before the server starts
            String uri = System.getenv(MODEL_URI_ENV);
            Path dir = Path.of(System.getenv().getOrDefault(MODEL_DIR_ENV, "/opt/ml/model"));
            String endpoint = System.getenv("MLFORGE_S3_ENDPOINT");
            try (ObjectStore store = ObjectStore.connect(
                    System.getenv().getOrDefault("AWS_REGION", "us-east-1"),
                    endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint),
                    Boolean.parseBoolean(System.getenv().getOrDefault("MLFORGE_S3_PATH_STYLE", "false")))) {
                String cacheDir = System.getenv(MODEL_CACHE_DIR_ENV);
                if (cacheDir != null && !cacheDir.isBlank()) {
                    ModelCache.Result result = new ModelCache(
                                    Path.of(cacheDir),
                                    Long.parseLong(System.getenv().getOrDefault(MODEL_CACHE_MAX_BYTES_ENV, "0")))
                            .install(store, uri, dir);
                    report(
                            terminationLog,
                            Map.of(
                                    "model",
                                    uri,
                                    "cache",
                                    result.hit() ? "hit" : "miss",
                                    "bytes",
                                    result.bytes(),
                                    "millis",
                                    result.millis()));
                    System.out.println("model " + uri + ": cache " + (result.hit() ? "hit" : "miss") + " ("
                            + result.key() + ", " + result.bytes() + " bytes) in " + result.millis() + " ms"
                            + (result.evicted().isEmpty() ? "" : "; evicted " + result.evicted()));
                    System.exit(0);
                }
                long started = System.nanoTime();
                long files = downloadModel(store, uri, dir);
                report(terminationLog, Map.of("model", uri, "files", files));
                System.out.println("model " + uri + ": " + files + " files in " + dir + " in "
                        + (System.nanoTime() - started) / 1_000_000 + " ms");
                System.exit(0);
            } catch (Exception e) {
                report(terminationLog, Map.of("error", describe(e)));
                System.err.println("model download failed: " + describe(e));
                System.exit(1);
            }
        }
        if (!mode.equals("prepare") && !mode.equals("sidecar")) {
            System.err.println("usage: DataAgent prepare|sidecar (plan in $" + AgentPlan.ENV + ") | model ($"
                    + MODEL_URI_ENV + ", $" + MODEL_DIR_ENV + ")");
            System.exit(2);
        }
        String planJson = System.getenv(AgentPlan.ENV);
        if (planJson == null || planJson.isBlank()) {
            report(terminationLog, Map.of("error", "$" + AgentPlan.ENV + " is not set"));
            System.exit(2);
        }
        AgentPlan plan = AgentPlan.fromJson(planJson);
        String endpoint = System.getenv("MLFORGE_S3_ENDPOINT");
        ObjectStore store = ObjectStore.connect(
                System.getenv().getOrDefault("AWS_REGION", "us-east-1"),
                endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint),
                Boolean.parseBoolean(System.getenv().getOrDefault("MLFORGE_S3_PATH_STYLE", "false")));
        DataAgent agent = new DataAgent(plan, store, Path.of(plan.mlRoot()));
        if (mode.equals("prepare")) {
            try {
                Map<String, Object> result = agent.prepare();
                report(terminationLog, result);
                System.out.println("prepared: " + result);
                store.close();
                System.exit(0);
            } catch (Exception e) {
                report(terminationLog, Map.of("error", describe(e)));
                System.err.println("prepare failed: " + describe(e));
                System.exit(1);
            }
        }
        agent.runSidecar(terminationLog);
    }

    /**
     * A serving model: an object ending in .tar.gz (SageMaker's model.tar.gz) is unpacked into {@code dir}; another
     * object is copied there; a prefix (multi-model endpoints) is copied with its layout. Returns the files written.
     */
    public static long downloadModel(ObjectStore store, String uri, Path dir) throws IOException {
        Files.createDirectories(dir);
        S3Location location = S3Location.parse(uri);
        if (location.key().endsWith(".tar.gz") || location.key().endsWith(".tgz")) {
            Path archive = Files.createTempFile("model", ".tar.gz");
            try {
                String parent = location.key().contains("/")
                        ? location.key().substring(0, location.key().lastIndexOf('/') + 1)
                        : "";
                Path staging = Files.createTempDirectory("model");
                store.download(List.of(location), parent, staging);
                Files.move(
                        staging.resolve(location.key().substring(parent.length())),
                        archive,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                long files = 0;
                try (var in = new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(
                                Files.newInputStream(archive));
                        var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in)) {
                    TarArchiveEntry entry;
                    while ((entry = tar.getNextEntry()) != null) {
                        Path target = dir.resolve(entry.getName()).normalize();
                        if (!target.startsWith(dir)) {
                            throw new IOException("archive entry escapes the model directory: " + entry.getName());
                        }
                        if (entry.isDirectory()) {
                            Files.createDirectories(target);
                        } else {
                            Files.createDirectories(target.getParent());
                            Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                            files++;
                        }
                    }
                }
                return files;
            } finally {
                Files.deleteIfExists(archive);
            }
        }
        List<String> keys = store.list(location);
        if (keys.isEmpty()) {
            throw new IOException("no model at " + uri);
        }
        String base = keys.size() == 1
                        && keys.get(0).equals(location.key())
                        && location.key().contains("/")
                ? location.key().substring(0, location.key().lastIndexOf('/') + 1)
                : location.key();
        store.download(
                keys.stream().map(k -> new S3Location(location.bucket(), k)).toList(), base, dir);
        return keys.size();
    }

    /** Writes config files, creates directories, downloads channels and restores checkpoints. */
    public Map<String, Object> prepare() throws IOException {
        SageMakerConfigFiles.write(plan, root.resolve("input/config"));
        for (String dir : List.of("model", "output", "output/data", "input/data")) {
            writableByAll(Files.createDirectories(root.resolve(dir)));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Long> downloaded = new LinkedHashMap<>();
        for (AgentPlan.ChannelPlan channel :
                plan.channels() == null ? List.<AgentPlan.ChannelPlan>of() : plan.channels()) {
            Path target = root.resolve("input/data").resolve(channel.name());
            if (!channel.isS3()) {
                continue; // pvc:// channels are mounted at the same path by the pod
            }
            Files.createDirectories(target);
            downloaded.put(channel.name(), downloadChannel(channel, target));
        }
        result.put("channels", downloaded);
        if (plan.checkpoints() != null && plan.checkpoints().uri().startsWith("s3://")) {
            Path local = Path.of(plan.checkpoints().localPath());
            writableByAll(Files.createDirectories(local));
            S3Location location = S3Location.parse(plan.checkpoints().uri());
            List<String> keys = store.list(new S3Location(location.bucket(), location.prefix()));
            store.download(
                    keys.stream().map(k -> new S3Location(location.bucket(), k)).toList(), location.prefix(), local);
            result.put("checkpointsRestored", keys.size());
        }
        return result;
    }

    /**
     * The agent runs as the operator image's user; the trainer may run as any user (root for most SageMaker images,
     * a fixed non-root user for others). Directories the trainer writes to are therefore writable by everyone, as
     * they are on SageMaker's instances.
     */
    private static void writableByAll(Path dir) throws IOException {
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to widen
        }
    }

    private long downloadChannel(AgentPlan.ChannelPlan channel, Path target) throws IOException {
        S3Location location = S3Location.parse(channel.uri());
        List<S3Location> objects;
        String base;
        String dataType = channel.s3DataType() == null ? "S3Prefix" : channel.s3DataType();
        switch (dataType) {
            case "S3Prefix" -> {
                objects = store.list(location).stream()
                        .map(k -> new S3Location(location.bucket(), k))
                        .toList();
                // A prefix names a "directory" (…/train/) or a key prefix (…/train-part); files keep their path below
                // it.
                base = location.key().endsWith("/") || location.key().isEmpty()
                        ? location.key()
                        : location.key().substring(0, location.key().lastIndexOf('/') + 1);
                if (objects.isEmpty()) {
                    throw new IOException("channel " + channel.name() + ": no objects under " + channel.uri());
                }
            }
            case "ManifestFile" -> {
                objects = store.manifest(location);
                base = objects.isEmpty() ? "" : commonPrefix(objects);
            }
            default ->
                throw new IOException("channel " + channel.name() + ": s3DataType " + dataType
                        + " is not supported by the in-cluster backend (use S3Prefix or ManifestFile)");
        }
        if (channel.sharded()) {
            objects = shard(objects, plan.hostIndex(), plan.hosts().size());
        }
        return store.download(objects, base, target);
    }

    /** ShardedByS3Key: host i of n gets every n-th object of the sorted list, starting at i. */
    static List<S3Location> shard(List<S3Location> objects, int hostIndex, int hostCount) {
        List<S3Location> mine = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            if (i % hostCount == hostIndex) {
                mine.add(objects.get(i));
            }
        }
        return mine;
    }

    private static String commonPrefix(List<S3Location> objects) {
        String prefix = objects.get(0).key();
        for (S3Location o : objects) {
            while (!o.key().startsWith(prefix)) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
        }
        return prefix.substring(0, prefix.lastIndexOf('/') + 1);
    }

    /** Uploads checkpoint files that are new or changed since the last sync; returns how many. */
    public int syncCheckpoints() throws IOException {
        if (plan.checkpoints() == null || !plan.checkpoints().uri().startsWith("s3://")) {
            return 0;
        }
        syncLock.lock();
        try {
            Path local = Path.of(plan.checkpoints().localPath());
            if (!Files.isDirectory(local)) {
                return 0;
            }
            Map<Path, String> changed = new LinkedHashMap<>();
            try (Stream<Path> files = Files.walk(local)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    String version = attributes.size() + "@"
                            + attributes.lastModifiedTime().toMillis();
                    if (!version.equals(syncedVersions.get(file))) {
                        changed.put(file, version);
                    }
                }
            }
            S3Location target = S3Location.parse(plan.checkpoints().uri());
            try {
                store.upload(List.copyOf(changed.keySet()), local, target);
            } catch (RuntimeException e) {
                throw new TransferFailed("checkpoint upload to", target, e);
            }
            // only now: a file whose upload failed goes again with the next sync
            syncedVersions.putAll(changed);
            return changed.size();
        } finally {
            syncLock.unlock();
        }
    }

    /** The last step: final checkpoint sync, then (host algo-1 only) the model to the output location. */
    public Map<String, Object> finish() throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("checkpointFilesSynced", syncCheckpoints());
        if (plan.output() != null && plan.isLeaderHost()) {
            Path model = root.resolve("model");
            Files.createDirectories(model);
            S3Location target = S3Location.parse(plan.output().modelUri());
            if (plan.output().gzip()) {
                Path archive = Files.createTempFile("model", ".tar.gz");
                try {
                    tarGz(model, archive);
                    store.uploadFile(archive, target);
                } catch (RuntimeException e) {
                    throw new TransferFailed("model upload to", target, e);
                } finally {
                    Files.deleteIfExists(archive);
                }
            } else {
                try (Stream<Path> files = Files.walk(model)) {
                    store.upload(files.filter(Files::isRegularFile).toList(), model, target);
                } catch (RuntimeException e) {
                    throw new TransferFailed("model upload to", target, e);
                }
            }
            result.put("modelArtifacts", target.toString());
        }
        return result;
    }

    /** Packs a directory as SageMaker packs /opt/ml/model: files at the archive's root, gzip-compressed. */
    static void tarGz(Path dir, Path archive) throws IOException {
        try (OutputStream out = Files.newOutputStream(archive);
                GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip);
                Stream<Path> files = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                TarArchiveEntry entry = new TarArchiveEntry(
                        file.toFile(), dir.relativize(file).toString().replace('\\', '/'));
                tar.putArchiveEntry(entry);
                Files.copy(file, tar);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }

    private void runSidecar(Path terminationLog) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopped.countDown();
                            int code = 0;
                            try {
                                Map<String, Object> result = finish();
                                report(terminationLog, result);
                                System.out.println("finished: " + result);
                            } catch (Exception e) {
                                report(terminationLog, Map.of("error", describe(e)));
                                System.err.println("final upload failed: " + describe(e));
                                code = 1;
                            }
                            store.close();
                            Runtime.getRuntime().halt(code);
                        },
                        "data-agent-finish"));
        System.out.println("syncing checkpoints every " + plan.syncIntervalSeconds() + "s until stopped");
        while (true) {
            try {
                if (stopped.await(Math.max(1, plan.syncIntervalSeconds()), TimeUnit.SECONDS)) {
                    return;
                }
                int synced = syncCheckpoints();
                if (synced > 0) {
                    System.out.println("synced " + synced + " checkpoint files");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // A failed periodic sync is retried at the next period; the final sync decides the outcome.
                System.err.println("checkpoint sync failed, retrying: " + describe(e));
            }
        }
    }

    static void report(Path terminationLog, Map<String, ?> result) {
        try {
            String json = JSON.writeValueAsString(result);
            Files.writeString(terminationLog, json.length() > 4000 ? json.substring(0, 4000) : json);
        } catch (IOException e) {
            System.err.println("cannot write " + terminationLog + ": " + e.getMessage());
        }
    }

    static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null
                && (cause instanceof java.util.concurrent.CompletionException
                        || cause instanceof java.util.concurrent.ExecutionException)) {
            cause = cause.getCause();
        }
        if (cause instanceof TransferFailed) {
            return cause.getMessage();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /**
     * A transfer that failed, named by what it was for and where it went: the message the user reads in the job's
     * status, whatever the store answered (an error code, or a connection it closed).
     */
    static final class TransferFailed extends IOException {
        TransferFailed(String what, S3Location location, Throwable cause) {
            super(what + " " + location + " failed: " + describe(cause), cause);
        }
    }
}
