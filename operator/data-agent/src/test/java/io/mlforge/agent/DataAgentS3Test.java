package io.mlforge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The data agent against a real S3-compatible server (s3proxy, in memory, over HTTP on loopback). */
class DataAgentS3Test {
    private static final String BUCKET = "mlforge-test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3Proxy proxy;
    private static URI endpoint;
    private static S3Client s3;

    @BeforeAll
    static void startS3() throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "agent-key", "agent-secret")
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        System.setProperty("aws.accessKeyId", "agent-key");
        System.setProperty("aws.secretAccessKey", "agent-secret");
        s3 = S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .build();
        s3.createBucket(r -> r.bucket(BUCKET));
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
        proxy.stop();
    }

    private static void put(String key, String content) {
        s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString(content));
    }

    private static String get(String key) {
        return s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asUtf8String();
    }

    private static List<String> keys(String prefix) {
        return s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(o -> o.key())
                .sorted()
                .toList();
    }

    private static AgentPlan plan(
            String test, String host, Path ml, Path checkpoints, List<AgentPlan.ChannelPlan> channels) {
        Map<String, String> hps = new LinkedHashMap<>();
        hps.put("epochs", "3");
        hps.put("lr", "0.01");
        return new AgentPlan(
                "job-" + test + "-1",
                host,
                List.of("algo-1", "algo-2"),
                "ml.g5.xlarge",
                hps,
                channels,
                new AgentPlan.CheckpointPlan("s3://" + BUCKET + "/" + test + "/ckpt/", checkpoints.toString()),
                new AgentPlan.OutputPlan(
                        "s3://" + BUCKET + "/" + test + "/out/job-" + test + "-1/output/model.tar.gz", true),
                ml.toString(),
                1);
    }

    private static AgentPlan.ChannelPlan channel(String name, String uri, String distribution, String dataType) {
        return new AgentPlan.ChannelPlan(name, uri, "text/csv", distribution, dataType, null, null, "File");
    }

    @Test
    void prepareWritesSageMakerConfigAndDownloadsEveryKindOfChannel(@TempDir Path tmp) throws Exception {
        put("prep/train/part-0.csv", "a,b");
        put("prep/train/nested/part-1.csv", "c,d");
        for (int i = 0; i < 4; i++) {
            put("prep/shards/s" + i + ".csv", "shard " + i);
        }
        put("prep/listed/x.csv", "x");
        put("prep/listed/y.csv", "y");
        put("prep/manifest.json", "[{\"prefix\": \"s3://" + BUCKET + "/prep/listed/\"}, \"x.csv\", \"y.csv\"]");
        put("prep/ckpt/epoch-1.pt", "weights-1");
        put("prep/ckpt/meta/state.json", "{}");

        Path ml = tmp.resolve("ml");
        Path checkpoints = tmp.resolve("checkpoints");
        AgentPlan plan = plan(
                "prep",
                "algo-2",
                ml,
                checkpoints,
                List.of(
                        channel("train", "s3://" + BUCKET + "/prep/train/", "FullyReplicated", "S3Prefix"),
                        channel("shards", "s3://" + BUCKET + "/prep/shards/", "ShardedByS3Key", "S3Prefix"),
                        channel("listed", "s3://" + BUCKET + "/prep/manifest.json", "FullyReplicated", "ManifestFile"),
                        channel("mounted", "pvc://datasets/val/", "FullyReplicated", "S3Prefix")));

        try (ObjectStore store = ObjectStore.connect("us-east-1", endpoint, true)) {
            Map<String, Object> result = new DataAgent(plan, store, ml).prepare();
            assertThat(result.get("channels")).isEqualTo(Map.of("train", 2L, "shards", 2L, "listed", 2L));
            assertThat(result.get("checkpointsRestored")).isEqualTo(2);
        }
        assertThat(Files.readString(ml.resolve("input/data/train/part-0.csv"))).isEqualTo("a,b");
        assertThat(Files.readString(ml.resolve("input/data/train/nested/part-1.csv")))
                .isEqualTo("c,d");
        // Host algo-2 is index 1 of 2: it gets the 2nd and 4th object of the sorted list.
        try (var files = Files.list(ml.resolve("input/data/shards"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("s1.csv", "s3.csv");
        }
        assertThat(Files.readString(ml.resolve("input/data/listed/y.csv"))).isEqualTo("y");
        assertThat(ml.resolve("input/data/mounted")).doesNotExist(); // the pod mounts the claim there
        assertThat(Files.readString(checkpoints.resolve("meta/state.json"))).isEqualTo("{}");
        assertThat(ml.resolve("model")).isDirectory();
        assertThat(ml.resolve("output/data")).isDirectory();
        for (Path writable :
                List.of(ml.resolve("model"), ml.resolve("output"), ml.resolve("output/data"), checkpoints)) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(writable)))
                    .as("a trainer running as another user writes to %s", writable)
                    .isEqualTo("rwxrwxrwx");
        }

        JsonNode hyperparameters =
                JSON.readTree(ml.resolve("input/config/hyperparameters.json").toFile());
        assertThat(hyperparameters.toString()).isEqualTo("{\"epochs\":\"3\",\"lr\":\"0.01\"}");
        JsonNode resources =
                JSON.readTree(ml.resolve("input/config/resourceconfig.json").toFile());
        assertThat(resources.path("current_host").asText()).isEqualTo("algo-2");
        assertThat(resources.path("hosts").toString()).isEqualTo("[\"algo-1\",\"algo-2\"]");
        assertThat(resources.path("network_interface_name").asText()).isEqualTo("eth0");
        JsonNode inputs =
                JSON.readTree(ml.resolve("input/config/inputdataconfig.json").toFile());
        assertThat(inputs.at("/train/ContentType").asText()).isEqualTo("text/csv");
        assertThat(inputs.at("/shards/S3DistributionType").asText()).isEqualTo("ShardedByS3Key");
        assertThat(inputs.at("/train/TrainingInputMode").asText()).isEqualTo("File");
    }

    @Test
    void missingDataAndUnsupportedTypesFailWithTheChannelNamed(@TempDir Path tmp) {
        try (ObjectStore store = ObjectStore.connect("us-east-1", endpoint, true)) {
            AgentPlan empty = plan(
                    "missing",
                    "algo-1",
                    tmp.resolve("ml"),
                    tmp.resolve("c"),
                    List.of(channel("train", "s3://" + BUCKET + "/nothing-here/", "FullyReplicated", "S3Prefix")));
            assertThatThrownBy(() -> new DataAgent(empty, store, tmp.resolve("ml")).prepare())
                    .hasMessageContaining("channel train: no objects under s3://" + BUCKET + "/nothing-here/");
            AgentPlan augmented = plan(
                    "augmented",
                    "algo-1",
                    tmp.resolve("ml"),
                    tmp.resolve("c"),
                    List.of(channel(
                            "train", "s3://" + BUCKET + "/a.manifest", "FullyReplicated", "AugmentedManifestFile")));
            assertThatThrownBy(() -> new DataAgent(augmented, store, tmp.resolve("ml")).prepare())
                    .hasMessageContaining("AugmentedManifestFile is not supported by the in-cluster backend");
        }
    }

    @Test
    void finishUploadsTheModelAsSageMakerPacksItAndSyncsOnlyChangedCheckpoints(@TempDir Path tmp) throws Exception {
        Path ml = tmp.resolve("ml");
        Path checkpoints = tmp.resolve("checkpoints");
        Files.createDirectories(ml.resolve("model/tokenizer"));
        Files.writeString(ml.resolve("model/model.pt"), "trained weights");
        Files.writeString(ml.resolve("model/tokenizer/vocab.txt"), "a b c");
        Files.createDirectories(checkpoints);
        Files.writeString(checkpoints.resolve("epoch-1.pt"), "e1");

        try (ObjectStore store = ObjectStore.connect("us-east-1", endpoint, true)) {
            DataAgent leader = new DataAgent(plan("finish", "algo-1", ml, checkpoints, List.of()), store, ml);
            assertThat(leader.syncCheckpoints()).isEqualTo(1);
            assertThat(leader.syncCheckpoints())
                    .as("unchanged files are not uploaded again")
                    .isZero();
            Files.writeString(checkpoints.resolve("epoch-2.pt"), "e2");
            Files.writeString(checkpoints.resolve("epoch-1.pt"), "e1 rewritten");
            Files.setLastModifiedTime(
                    checkpoints.resolve("epoch-1.pt"),
                    FileTime.from(Instant.now().plusSeconds(5)));

            Map<String, Object> result = leader.finish();
            assertThat(result)
                    .containsEntry("checkpointFilesSynced", 2)
                    .containsEntry("modelArtifacts", "s3://" + BUCKET + "/finish/out/job-finish-1/output/model.tar.gz");

            // Only host algo-1 uploads the model.
            DataAgent worker = new DataAgent(plan("finish-worker", "algo-2", ml, checkpoints, List.of()), store, ml);
            assertThat(worker.finish()).doesNotContainKey("modelArtifacts");
        }
        assertThat(get("finish/ckpt/epoch-1.pt")).isEqualTo("e1 rewritten");
        assertThat(get("finish/ckpt/epoch-2.pt")).isEqualTo("e2");
        assertThat(keys("finish-worker/out/")).isEmpty();

        byte[] archive = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("finish/out/job-finish-1/output/model.tar.gz"))
                .asByteArray();
        Map<String, String> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.put(entry.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(entries)
                .containsExactly(Map.entry("model.pt", "trained weights"), Map.entry("tokenizer/vocab.txt", "a b c"));
    }

    @Test
    void checkpointsOfOneAttemptAreRestoredByTheNext(@TempDir Path tmp) throws Exception {
        Path firstCheckpoints = tmp.resolve("attempt-1");
        Files.createDirectories(firstCheckpoints.resolve("shard"));
        Files.writeString(firstCheckpoints.resolve("step-500.pt"), "state at 500");
        Files.writeString(firstCheckpoints.resolve("shard/rank0.pt"), "rank 0");
        Path secondCheckpoints = tmp.resolve("attempt-2");
        try (ObjectStore store = ObjectStore.connect("us-east-1", endpoint, true)) {
            new DataAgent(
                            plan("resume", "algo-1", tmp.resolve("ml1"), firstCheckpoints, List.of()),
                            store,
                            tmp.resolve("ml1"))
                    .syncCheckpoints();
            Map<String, Object> restored = new DataAgent(
                            plan("resume", "algo-1", tmp.resolve("ml2"), secondCheckpoints, List.of()),
                            store,
                            tmp.resolve("ml2"))
                    .prepare();
            assertThat(restored).containsEntry("checkpointsRestored", 2);
        }
        assertThat(Files.readString(secondCheckpoints.resolve("step-500.pt"))).isEqualTo("state at 500");
        assertThat(Files.readString(secondCheckpoints.resolve("shard/rank0.pt")))
                .isEqualTo("rank 0");
    }

    /** The agent's sidecar mode as its own JVM, as in a pod; output in tmp/sidecar.out, result in tmp/termination-log. */
    private static Process startSidecar(AgentPlan plan, Path tmp) throws java.io.IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        DataAgent.class.getName(),
                        "sidecar")
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("sidecar.out").toFile());
        builder.environment().put(AgentPlan.ENV, plan.toJson());
        builder.environment().put("MLFORGE_S3_ENDPOINT", endpoint.toString());
        builder.environment().put("MLFORGE_S3_PATH_STYLE", "true");
        builder.environment().put("AWS_ACCESS_KEY_ID", "agent-key");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "agent-secret");
        builder.environment()
                .put(
                        DataAgent.TERMINATION_LOG_ENV,
                        tmp.resolve("termination-log").toString());
        return builder.start();
    }

    @Test
    void sidecarProcessUploadsTheModelWhenStoppedLikeTheKubeletStopsIt(@TempDir Path tmp) throws Exception {
        Path ml = tmp.resolve("ml");
        Path checkpoints = tmp.resolve("checkpoints");
        Files.createDirectories(ml.resolve("model"));
        Files.writeString(ml.resolve("model/weights.bin"), "final");
        Files.createDirectories(checkpoints);
        Path terminationLog = tmp.resolve("termination-log");
        Process sidecar = startSidecar(plan("sidecar", "algo-1", ml, checkpoints, List.of()), tmp);
        // While the "trainer" runs, a checkpoint appears and is synced by the periodic loop (1 s).
        Files.writeString(checkpoints.resolve("step-1.pt"), "s1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // (s3proxy shows an upload in progress under a temporary key: wait for the finished object)
        while (!keys("sidecar/ckpt/").equals(List.of("sidecar/ckpt/step-1.pt")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(keys("sidecar/ckpt/")).containsExactly("sidecar/ckpt/step-1.pt");

        sidecar.destroy(); // SIGTERM
        assertThat(sidecar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sidecar.exitValue())
                .as(Files.readString(tmp.resolve("sidecar.out")))
                .isZero();
        JsonNode result = JSON.readTree(Files.readString(terminationLog));
        assertThat(result.path("modelArtifacts").asText())
                .isEqualTo("s3://" + BUCKET + "/sidecar/out/job-sidecar-1/output/model.tar.gz");
        assertThat(keys("sidecar/out/")).containsExactly("sidecar/out/job-sidecar-1/output/model.tar.gz");
    }

    @Test
    void sidecarReportsAFailedUploadInItsTerminationMessageAndExitCode(@TempDir Path tmp) throws Exception {
        Path ml = tmp.resolve("ml");
        Files.createDirectories(ml.resolve("model"));
        Path terminationLog = tmp.resolve("termination-log");
        AgentPlan plan = new AgentPlan(
                "job-x-1",
                "algo-1",
                List.of("algo-1"),
                null,
                Map.of(),
                List.of(),
                null,
                new AgentPlan.OutputPlan("s3://no-such-bucket-mlforge/out/model.tar.gz", true),
                ml.toString(),
                1);
        Process sidecar = startSidecar(plan, tmp);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(tmp.resolve("sidecar.out")).contains("syncing checkpoints")
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        sidecar.destroy();
        assertThat(sidecar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sidecar.exitValue()).isEqualTo(1);
        assertThat(JSON.readTree(Files.readString(terminationLog)).path("error").asText())
                .as("the message names what failed and where, whatever the store answered")
                .startsWith("model upload to s3://no-such-bucket-mlforge/out/model.tar.gz failed: ");
    }

    @Test
    void aFailedCheckpointSyncNamesItsLocationAndTheFilesGoAgainWithTheNextSync(@TempDir Path tmp) throws Exception {
        Path checkpoints = tmp.resolve("checkpoints");
        Files.createDirectories(checkpoints);
        Files.writeString(checkpoints.resolve("epoch-1.pt"), "e1");
        String bucket = "mlforge-later";
        AgentPlan plan = new AgentPlan(
                "job-later-1",
                "algo-1",
                List.of("algo-1"),
                null,
                Map.of(),
                List.of(),
                new AgentPlan.CheckpointPlan("s3://" + bucket + "/ckpt/", checkpoints.toString()),
                null,
                tmp.resolve("ml").toString(),
                1);
        try (ObjectStore store = ObjectStore.connect("us-east-1", endpoint, true)) {
            DataAgent agent = new DataAgent(plan, store, tmp.resolve("ml"));
            assertThatThrownBy(agent::syncCheckpoints)
                    .isInstanceOf(DataAgent.TransferFailed.class)
                    .hasMessageStartingWith("checkpoint upload to s3://" + bucket + "/ckpt/ failed: ");

            s3.createBucket(r -> r.bucket(bucket));
            assertThat(agent.syncCheckpoints())
                    .as("the file whose upload failed is uploaded by the next sync")
                    .isEqualTo(1);
            assertThat(agent.syncCheckpoints()).isZero();
        }
        assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("ckpt/epoch-1.pt"))
                        .asUtf8String())
                .isEqualTo("e1");
    }

    @Test
    void servingPodsGetTheModelUnpackedAsSageMakerDoes(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        s3.putObject(
                r -> r.bucket(BUCKET).key("serving/churn/output/model.tar.gz"),
                RequestBody.fromBytes(modelArchive("booster")));
        put("serving/multi/a.tar.gz", "A");
        put("serving/multi/b.tar.gz", "B");
        try (ObjectStore store = ObjectStore.connect("us-east-1", endpoint, true)) {
            Path model = tmp.resolve("model");
            assertThat(DataAgent.downloadModel(store, "s3://" + BUCKET + "/serving/churn/output/model.tar.gz", model))
                    .isEqualTo(2);
            assertThat(java.nio.file.Files.readString(model.resolve("xgboost-model")))
                    .isEqualTo("booster");
            assertThat(java.nio.file.Files.readString(model.resolve("code/inference.py")))
                    .startsWith("def model_fn");
            Path multi = tmp.resolve("multi");
            assertThat(DataAgent.downloadModel(store, "s3://" + BUCKET + "/serving/multi/", multi))
                    .isEqualTo(2);
            assertThat(java.nio.file.Files.readString(multi.resolve("a.tar.gz")))
                    .isEqualTo("A");
            assertThatThrownBy(() ->
                            DataAgent.downloadModel(store, "s3://" + BUCKET + "/serving/none/", tmp.resolve("none")))
                    .hasMessageContaining("no model at s3://" + BUCKET + "/serving/none/");
        }
    }

    private static byte[] modelArchive(String booster) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var gzip = new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(bytes);
                var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(gzip)) {
            for (String[] file :
                    new String[][] {{"xgboost-model", booster}, {"code/inference.py", "def model_fn(d): pass"}}) {
                byte[] content = file[1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
                var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(file[0]);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void theModelCacheDownloadsOnceServesLinksAndEvictsTheLeastRecentlyUsed(@TempDir Path tmp) throws Exception {
        String booster = "x".repeat(4000);
        s3.putObject(r -> r.bucket(BUCKET).key("cache/a/model.tar.gz"), RequestBody.fromBytes(modelArchive(booster)));
        put("cache/a/model.tar.gz.bak", "an older upload beside it: not part of the model");
        String uri = "s3://" + BUCKET + "/cache/a/model.tar.gz";
        Path cacheDir = tmp.resolve("cache");
        try (ObjectStore store = ObjectStore.connect("us-east-1", endpoint, true)) {
            ModelCache cache = new ModelCache(cacheDir, 8_000);
            ModelCache.Result first = cache.install(store, uri, tmp.resolve("pod-1/model"));
            assertThat(first.hit()).isFalse();
            assertThat(first.bytes()).isEqualTo(4000 + "def model_fn(d): pass".length());
            Path model = tmp.resolve("pod-1/model/xgboost-model");
            assertThat(Files.isSymbolicLink(model)).isTrue();
            assertThat(Files.readString(model)).isEqualTo(booster);
            assertThat(Files.readString(tmp.resolve("pod-1/model/code/inference.py")))
                    .startsWith("def model_fn");
            FileTime installed =
                    Files.getLastModifiedTime(cacheDir.resolve(first.key()).resolve("xgboost-model"));

            // a second replica (or the same pod restarted) finds it: no download, the same files
            ModelCache.Result second = cache.install(store, uri, tmp.resolve("pod-2/model"));
            assertThat(second.hit()).isTrue();
            assertThat(second.key()).isEqualTo(first.key());
            assertThat(Files.getLastModifiedTime(cacheDir.resolve(first.key()).resolve("xgboost-model")))
                    .isEqualTo(installed);
            assertThat(Files.readString(tmp.resolve("pod-2/model/xgboost-model")))
                    .isEqualTo(booster);

            // the same URI with new content is a new entry; the cache holds one of these sizes, so the old one goes
            String retrained = "y".repeat(5000);
            s3.putObject(
                    r -> r.bucket(BUCKET).key("cache/a/model.tar.gz"), RequestBody.fromBytes(modelArchive(retrained)));
            ModelCache.Result third = cache.install(store, uri, tmp.resolve("pod-3/model"));
            assertThat(third.hit()).isFalse();
            assertThat(third.key()).isNotEqualTo(first.key());
            assertThat(third.evicted()).containsExactly(first.key());
            assertThat(cache.entries()).containsExactly(third.key());
            assertThat(Files.readString(tmp.resolve("pod-3/model/xgboost-model")))
                    .isEqualTo(retrained);
            try (var left = Files.list(cacheDir)) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .as("no staging directories left behind")
                        .noneMatch(n -> n.startsWith(".staging-"));
            }
            assertThatThrownBy(
                            () -> cache.install(store, "s3://" + BUCKET + "/cache/none/model.tar.gz", tmp.resolve("x")))
                    .hasMessageContaining("no model at");
        }
    }

    @Test
    void replicasInstallingTheSameModelAtOnceDownloadItOnce(@TempDir Path tmp) throws Exception {
        s3.putObject(
                r -> r.bucket(BUCKET).key("cache/together/model.tar.gz"),
                RequestBody.fromBytes(modelArchive("z".repeat(100_000))));
        String uri = "s3://" + BUCKET + "/cache/together/model.tar.gz";
        try (ObjectStore store = ObjectStore.connect("us-east-1", endpoint, true)) {
            ModelCache cache = new ModelCache(tmp.resolve("cache"), 1 << 30);
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<ModelCache.Result>> results = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Path model = tmp.resolve("pod-" + i + "/model");
                    results.add(pool.submit(() -> cache.install(store, uri, model)));
                }
                List<Boolean> hits = new java.util.ArrayList<>();
                for (var r : results) {
                    hits.add(r.get(60, TimeUnit.SECONDS).hit());
                }
                assertThat(hits).containsExactlyInAnyOrder(false, true, true, true);
            } finally {
                pool.shutdownNow();
            }
            for (int i = 0; i < 4; i++) {
                assertThat(Files.readString(tmp.resolve("pod-" + i + "/model/xgboost-model")))
                        .hasSize(100_000);
            }
        }
    }
}
