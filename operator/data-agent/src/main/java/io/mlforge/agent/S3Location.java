package io.mlforge.agent;

/** An s3://bucket/key URI split into bucket and key (the key may be a prefix, possibly empty). */
public record S3Location(String bucket, String key) {
    public static S3Location parse(String uri) {
        if (!uri.startsWith("s3://")) {
            throw new IllegalArgumentException("not an S3 URI: " + uri);
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return new S3Location(rest, "");
        }
        return new S3Location(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** The key as a directory prefix: empty, or ending with one slash. */
    public String prefix() {
        return key.isEmpty() || key.endsWith("/") ? key : key + "/";
    }

    /** A key below this prefix. */
    public S3Location child(String relative) {
        return new S3Location(bucket, prefix() + relative);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
