package io.mlforge.sagemaker.emulator;

/** An error in AWS JSON 1.1 shape: {"__type": type, "message": message} with an HTTP status. */
public final class AwsError extends RuntimeException {
    private final String type;
    private final int status;

    public AwsError(String type, int status, String message) {
        super(message);
        this.type = type;
        this.status = status;
    }

    public static AwsError validation(String message) {
        return new AwsError("ValidationException", 400, message);
    }

    public static AwsError notFound(String message) {
        return new AwsError("ResourceNotFound", 400, message);
    }

    public static AwsError inUse(String message) {
        return new AwsError("ResourceInUse", 400, message);
    }

    public static AwsError limitExceeded(String message) {
        return new AwsError("ResourceLimitExceeded", 400, message);
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }
}
