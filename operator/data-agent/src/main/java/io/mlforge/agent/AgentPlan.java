package io.mlforge.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * What the data agent of one pod does, written by the operator into the pod's environment as JSON
 * ({@value #ENV}). Paths follow SageMaker's container contract under {@link #mlRoot()}.
 *
 * @param jobName             the attempt's name (SageMaker's TRAINING_JOB_NAME)
 * @param currentHost         this pod's host name, algo-1 .. algo-N
 * @param hosts               all host names of the attempt
 * @param instanceType        instance type for resourceconfig.json, or null
 * @param hyperParameters     hyperparameters.json
 * @param channels            input channels
 * @param checkpoints         checkpoint sync, or null
 * @param output              where the model goes, or null
 * @param mlRoot              normally /opt/ml
 * @param syncIntervalSeconds checkpoint sync period of the sidecar
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentPlan(
        String jobName,
        String currentHost,
        List<String> hosts,
        String instanceType,
        Map<String, String> hyperParameters,
        List<ChannelPlan> channels,
        CheckpointPlan checkpoints,
        OutputPlan output,
        String mlRoot,
        int syncIntervalSeconds) {

    public static final String ENV = "MLFORGE_AGENT_PLAN";
    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One input channel. {@code uri} is s3://... (downloaded) or pvc://... (mounted by the pod, skipped here). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChannelPlan(
            String name,
            String uri,
            String contentType,
            String distribution,
            String s3DataType,
            String compression,
            String recordWrapper,
            String inputMode) {
        public boolean isS3() {
            return uri.startsWith("s3://");
        }

        public boolean sharded() {
            return "ShardedByS3Key".equals(distribution);
        }
    }

    /** Checkpoints in {@code localPath} are synced to and restored from {@code uri}. */
    public record CheckpointPlan(String uri, String localPath) {}

    /** The model is packed to model.tar.gz and uploaded to {@code modelUri} (gzip) or its files under it (none). */
    public record OutputPlan(String modelUri, boolean gzip) {}

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AgentPlan fromJson(String json) {
        try {
            return JSON.readValue(json, AgentPlan.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("malformed " + ENV + ": " + e.getOriginalMessage(), e);
        }
    }

    public boolean isLeaderHost() {
        return hosts.isEmpty() || hosts.get(0).equals(currentHost);
    }

    public int hostIndex() {
        return Math.max(0, hosts.indexOf(currentHost));
    }
}
