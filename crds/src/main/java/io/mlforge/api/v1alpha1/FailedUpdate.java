package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The last update that failed or was rolled back, while the previous version kept serving. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailedUpdate {
    @JsonPropertyDescription("metadata.generation of the spec that failed.")
    public Long generation;

    @JsonPropertyDescription(
            "Hash of the serving-relevant part of that spec (the suffix of its SageMaker config name).")
    public String specHash;

    @JsonPropertyDescription("Why it failed, e.g. UpdateFailed, RolledBack, AlarmFired, ReadinessTimeout.")
    public String reason;

    @JsonPropertyDescription("The backend's own message.")
    public String message;

    @JsonPropertyDescription("When it failed (RFC 3339).")
    public String time;
}
