package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Recent values of one metric, oldest first, bounded by the operator (the newest points are kept). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricSeries {
    @JsonPropertyDescription("Metric name, from spec.metrics.")
    public String name;

    @JsonPropertyDescription("Values in the order they were logged; at most the operator's configured history length.")
    public List<MetricPoint> points;

    /** One logged value of a metric. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class MetricPoint {
        @JsonPropertyDescription(
                "Step of the value: the index of the match in the log (an epoch when the code logs once per epoch).")
        public Long step;

        @JsonPropertyDescription("The value.")
        public Double value;

        @JsonPropertyDescription("When the value was logged (RFC 3339 with the log's sub-second precision).")
        public String timestamp;
    }
}
