package io.mlforge.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Unpacked models shared by the serving pods that mount the same cache directory (a node's hostPath, or a
 * ReadWriteMany claim shared by every node), so a second replica or a restarted pod does not download and unpack the
 * model again. An entry is keyed by the model's content as the object store describes it (keys, ETags and sizes: a
 * model re-uploaded to the same URI is a new entry), installed atomically (unpacked beside, then renamed into place,
 * so a pod never sees half a model; pods installing the same model at once take turns on a lock file, so it is
 * downloaded once and the others find it), and used through symbolic links
 * from the pod's /opt/ml/model, which the serving container resolves through the same cache mount (read-only). The
 * cache is bounded: after an install the least recently used entries go until the total fits, never the entry just
 * used; a server that already loaded an evicted model keeps serving it (its open files stay readable).
 */
public final class ModelCache {
    private static final String META = ".meta";
    private static final String STAGING = ".staging-";
    private static final java.util.Map<String, java.util.concurrent.locks.ReentrantLock> LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Path root;
    private final long maxBytes;

    /** What one install did. */
    public record Result(String key, boolean hit, long bytes, long millis, List<String> evicted) {}

    public ModelCache(Path root, long maxBytes) {
        this.root = root;
        this.maxBytes = maxBytes;
    }

    /** Puts the model at {@code uri} into {@code modelDir} (links into the cache), downloading it only on a miss. */
    public Result install(ObjectStore store, String uri, Path modelDir) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(root);
        S3Location location = S3Location.parse(uri);
        boolean archive = location.key().endsWith(".tar.gz") || location.key().endsWith(".tgz");
        String fingerprint = store.fingerprint(location, archive);
        if (fingerprint.isEmpty()) {
            throw new IOException("no model at " + uri);
        }
        String key = key(uri + "\n" + fingerprint);
        Path entry = root.resolve(key);
        boolean hit;
        // one install of a model at a time per cache: replicas starting together download it once, the others wait
        // and find it (a file lock for pods, sharing the directory, and a lock for threads of one process)
        java.util.concurrent.locks.ReentrantLock threads = LOCKS.computeIfAbsent(
                root.toAbsolutePath() + "/" + key, k -> new java.util.concurrent.locks.ReentrantLock());
        threads.lock();
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(
                        root.resolve(key + ".lock"),
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock processes = channel.lock()) {
            hit = Files.isDirectory(entry) && Files.exists(meta(key));
            if (!hit) {
                Path staging = root.resolve(STAGING + key + "-" + UUID.randomUUID());
                try {
                    DataAgent.downloadModel(store, uri, staging);
                    long bytes = size(staging);
                    try {
                        Files.move(staging, entry, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        throw new IOException("the model cache at " + root + " cannot rename atomically", e);
                    } catch (java.nio.file.FileSystemException e) {
                        // rename(2) onto a non-empty directory: another pod installed the same content meanwhile
                        if (!Files.isDirectory(entry)) {
                            throw e;
                        }
                    }
                    if (!Files.exists(meta(key))) {
                        Files.writeString(meta(key), uri + "\n" + bytes + "\n", StandardCharsets.UTF_8);
                    }
                } finally {
                    deleteTree(staging);
                }
            }
            // still under the lock, which eviction respects: the entry cannot go before the pod links it
            Files.setLastModifiedTime(meta(key), FileTime.from(Instant.now())); // last used
            link(entry, modelDir);
        } finally {
            threads.unlock();
        }
        List<String> evicted = evict(key);
        return new Result(key, hit, bytes(key), (System.nanoTime() - start) / 1_000_000, evicted);
    }

    /** The entries in the cache now, least recently used first. */
    public List<String> entries() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(root)) {
            return files.filter(p -> p.getFileName().toString().endsWith(META))
                    .sorted(Comparator.comparing(ModelCache::lastModified))
                    .map(p -> {
                        String name = p.getFileName().toString();
                        return name.substring(0, name.length() - META.length());
                    })
                    .toList();
        }
    }

    private List<String> evict(String keep) throws IOException {
        List<String> entries = entries();
        long total = 0;
        for (String key : entries) {
            total += bytes(key);
        }
        List<String> evicted = new ArrayList<>();
        for (String key : entries) {
            if (total <= maxBytes) {
                break;
            }
            if (key.equals(keep)) {
                continue;
            }
            long bytes = bytes(key);
            if (evictUnlessInstalling(key)) {
                total -= bytes;
                evicted.add(key);
            }
        }
        return evicted;
    }

    /** Deletes an entry unless a pod or thread holds its lock (installing or linking it right now). */
    private boolean evictUnlessInstalling(String key) throws IOException {
        java.util.concurrent.locks.ReentrantLock threads = LOCKS.computeIfAbsent(
                root.toAbsolutePath() + "/" + key, k -> new java.util.concurrent.locks.ReentrantLock());
        if (!threads.tryLock()) {
            return false;
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(
                root.resolve(key + ".lock"),
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock processes = channel.tryLock();
            if (processes == null) {
                return false;
            }
            try {
                Files.deleteIfExists(meta(key)); // first: a pod never takes a half-deleted entry for a hit
                deleteTree(root.resolve(key));
            } finally {
                processes.release();
            }
            return true;
        } finally {
            threads.unlock();
        }
    }

    /** Links each top-level file and directory of the entry into the (empty) model directory. */
    private static void link(Path entry, Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        try (Stream<Path> children = Files.list(entry)) {
            for (Path child : children.toList()) {
                Path link = modelDir.resolve(child.getFileName().toString());
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, child.toAbsolutePath());
            }
        }
    }

    private Path meta(String key) {
        return root.resolve(key + META);
    }

    private long bytes(String key) {
        try {
            List<String> lines = Files.readAllLines(meta(key), StandardCharsets.UTF_8);
            return lines.size() > 1 ? Long.parseLong(lines.get(1).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static FileTime lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    static String key(String content) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
