package io.mlforge.sandbox;

import java.net.URI;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/** An S3-compatible store in memory (s3proxy) on a loopback port, with the samples' buckets. */
public final class S3Store implements AutoCloseable {
    /**
     * Fake AWS credentials of the sandbox (the S3 store checks them; the SageMaker emulator accepts any). They look
     * like real ones and occur nowhere else, so the reliability suite can search logs, Events and status for them.
     */
    public static final String ACCESS_KEY = "AKIAMLFORGESANDBOX7Q";

    public static final String SECRET_KEY = "mlfSbx/k7Qw2+Zr9TfakeSecretKEYnotReal40x";
    private final S3Proxy proxy;
    private final TransientNio2BlobStore store = new TransientNio2BlobStore();

    private S3Store(int port) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
    }

    public static S3Store start(int port, List<String> buckets) throws Exception {
        S3Store s3 = new S3Store(port);
        for (String bucket : buckets) {
            s3.store.createContainer(bucket);
        }
        return s3;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
