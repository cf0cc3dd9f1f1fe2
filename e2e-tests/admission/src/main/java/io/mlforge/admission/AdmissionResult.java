package io.mlforge.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Outcome of admitting one object.
 *
 * @param object the object after defaulting (what the API server would store), also when rejected
 * @param errors why it was rejected; empty when admitted
 */
public record AdmissionResult(JsonNode object, List<FieldError> errors) {
    public boolean allowed() {
        return errors.isEmpty();
    }

    /** The errors in the API server's style, one per line. */
    public String message() {
        return errors.stream().map(FieldError::toString).collect(Collectors.joining("\n"));
    }
}
