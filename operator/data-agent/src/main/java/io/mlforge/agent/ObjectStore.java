package io.mlforge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.DownloadFileRequest;
import software.amazon.awssdk.transfer.s3.model.UploadFileRequest;

/**
 * S3 access of the data agent: listing with the plain client, object transfers with the SDK's S3 transfer manager
 * (parallel, multipart for large files).
 */
public final class ObjectStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final S3AsyncClient uploadClient;
    private final S3AsyncClient downloadClient;
    private final S3TransferManager uploads;
    private final S3TransferManager downloads;

    private ObjectStore(S3Client s3, S3AsyncClient uploadClient, S3AsyncClient downloadClient) {
        this.s3 = s3;
        this.uploadClient = uploadClient;
        this.downloadClient = downloadClient;
        this.uploads = S3TransferManager.builder().s3Client(uploadClient).build();
        this.downloads = S3TransferManager.builder().s3Client(downloadClient).build();
    }

    /**
     * Clients from the default AWS chain (IRSA, EKS Pod Identity, environment). {@code endpoint} (e.g. an
     * S3-compatible store) and path-style addressing are for non-AWS stores and tests.
     */
    public static ObjectStore connect(String region, URI endpoint, boolean pathStyle) {
        return connect(
                region,
                endpoint,
                pathStyle,
                DefaultCredentialsProvider.builder().build());
    }

    /** As {@link #connect(String, URI, boolean)} with the given credentials (a sandbox's store). */
    public static ObjectStore connect(
            String region,
            URI endpoint,
            boolean pathStyle,
            software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
        var sync = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .forcePathStyle(pathStyle);
        // Uploads go multipart (large checkpoints and models). Downloads are whole-object GETs, many in parallel:
        // the multipart client downloads by part number, which S3-compatible stores such as s3proxy do not serve.
        var upload = S3AsyncClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClientBuilder(
                        NettyNioAsyncHttpClient.builder().connectionAcquisitionTimeout(Duration.ofMinutes(2)))
                .multipartEnabled(true)
                .forcePathStyle(pathStyle);
        var download = S3AsyncClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClientBuilder(
                        NettyNioAsyncHttpClient.builder().connectionAcquisitionTimeout(Duration.ofMinutes(2)))
                .multipartEnabled(false)
                .forcePathStyle(pathStyle);
        if (endpoint != null) {
            sync.endpointOverride(endpoint);
            upload.endpointOverride(endpoint);
            download.endpointOverride(endpoint);
        }
        return new ObjectStore(sync.build(), upload.build(), download.build());
    }

    /** Every object key under the location's prefix, sorted (the order ShardedByS3Key splits by). */
    public List<String> list(S3Location location) {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(location.key())).contents().stream()
                .map(S3Object::key)
                .filter(k -> !k.endsWith("/"))
                .forEach(keys::add);
        keys.sort(String::compareTo);
        return keys;
    }

    /**
     * What identifies the content under a location without reading it: each object's key, ETag and size, one per line
     * in key order ({@code exact}: the object at the key only, not others that merely start with it).
     */
    public String fingerprint(S3Location location, boolean exact) {
        StringBuilder out = new StringBuilder();
        s3.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(location.key())).contents().stream()
                .filter(o -> !o.key().endsWith("/") && (!exact || o.key().equals(location.key())))
                .sorted(java.util.Comparator.comparing(S3Object::key))
                .forEach(o -> out.append(o.key())
                        .append(' ')
                        .append(o.eTag())
                        .append(' ')
                        .append(o.size())
                        .append('\n'));
        return out.toString();
    }

    /** The keys a SageMaker manifest file lists: [{"prefix": "s3://bucket/p/"}, "relative/key", ...]. */
    public List<S3Location> manifest(S3Location manifest) throws IOException {
        JsonNode entries = JSON.readTree(
                s3.getObjectAsBytes(r -> r.bucket(manifest.bucket()).key(manifest.key()))
                        .asByteArray());
        if (!entries.isArray() || entries.isEmpty() || !entries.get(0).has("prefix")) {
            throw new IOException(
                    "manifest " + manifest + " must be a JSON array starting with {\"prefix\": \"s3://...\"}");
        }
        S3Location prefix = S3Location.parse(entries.get(0).get("prefix").asText());
        List<S3Location> objects = new ArrayList<>();
        for (int i = 1; i < entries.size(); i++) {
            objects.add(prefix.child(entries.get(i).asText()));
        }
        return objects;
    }

    /** Downloads the objects, each to {@code targetDir} / its key relative to {@code base}. */
    public long download(List<S3Location> objects, String base, Path targetDir) throws IOException {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (S3Location object : objects) {
            String relative = object.key().startsWith(base) ? object.key().substring(base.length()) : object.key();
            Path target = targetDir.resolve(relative).normalize();
            if (!target.startsWith(targetDir)) {
                throw new IOException("object key escapes the target directory: " + object);
            }
            Files.createDirectories(target.getParent());
            pending.add(downloads
                    .downloadFile(DownloadFileRequest.builder()
                            .getObjectRequest(r -> r.bucket(object.bucket()).key(object.key()))
                            .destination(target)
                            .build())
                    .completionFuture());
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        return objects.size();
    }

    /** Uploads files, each to {@code location} / its path relative to {@code baseDir}. */
    public void upload(List<Path> files, Path baseDir, S3Location location) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (Path file : files) {
            String relative = baseDir.relativize(file).toString().replace('\\', '/');
            S3Location target = location.child(relative);
            pending.add(uploads.uploadFile(UploadFileRequest.builder()
                            .putObjectRequest(r -> r.bucket(target.bucket()).key(target.key()))
                            .source(file)
                            .build())
                    .completionFuture());
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    /** Uploads one file to exactly {@code location}. */
    public void uploadFile(Path file, S3Location location) {
        uploads.uploadFile(UploadFileRequest.builder()
                        .putObjectRequest(r -> r.bucket(location.bucket()).key(location.key()))
                        .source(file)
                        .build())
                .completionFuture()
                .join();
    }

    /** Writes a small object. */
    public void put(S3Location location, byte[] content) {
        s3.putObject(r -> r.bucket(location.bucket()).key(location.key()), RequestBody.fromBytes(content));
    }

    public boolean exists(S3Location location) {
        try {
            s3.headObject(r -> r.bucket(location.bucket()).key(location.key()));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        uploads.close();
        downloads.close();
        uploadClient.close();
        downloadClient.close();
        s3.close();
    }
}
