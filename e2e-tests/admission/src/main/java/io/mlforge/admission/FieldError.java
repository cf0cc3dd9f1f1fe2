package io.mlforge.admission;

/**
 * One reason a request was rejected, in the shape the API server reports it (field path, error type, message).
 *
 * @param field path of the offending field, e.g. {@code spec.variants[0].serverless.memorySizeMB}
 * @param type  Kubernetes' field error type: Invalid, Required, Forbidden, Duplicate, NotSupported or Unknown
 * @param message what is wrong
 */
public record FieldError(String field, String type, String message) {
    @Override
    public String toString() {
        return field + ": " + type + ": " + message;
    }
}
