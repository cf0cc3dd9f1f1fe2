package io.mlforge.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The files SageMaker puts in /opt/ml/input/config, so that SageMaker training images find them in the cluster. */
public final class SageMakerConfigFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SageMakerConfigFiles() {}

    public static Map<String, String> render(AgentPlan plan) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(
                "hyperparameters.json",
                JSON.writeValueAsString(plan.hyperParameters() == null ? Map.of() : plan.hyperParameters()));
        files.put("resourceconfig.json", JSON.writeValueAsString(resourceConfig(plan)));
        files.put("inputdataconfig.json", JSON.writeValueAsString(inputDataConfig(plan)));
        return files;
    }

    static ObjectNode resourceConfig(AgentPlan plan) {
        ObjectNode config = JSON.createObjectNode();
        config.put("current_host", plan.currentHost());
        if (plan.instanceType() != null) {
            config.put("current_instance_type", plan.instanceType());
        }
        config.put("current_group_name", "homogeneousCluster");
        ArrayNode hosts = config.putArray("hosts");
        plan.hosts().forEach(hosts::add);
        ObjectNode group = config.putArray("instance_groups").addObject();
        group.put("instance_group_name", "homogeneousCluster");
        if (plan.instanceType() != null) {
            group.put("instance_type", plan.instanceType());
        }
        ArrayNode groupHosts = group.putArray("hosts");
        plan.hosts().forEach(groupHosts::add);
        config.put("network_interface_name", "eth0");
        return config;
    }

    static ObjectNode inputDataConfig(AgentPlan plan) {
        ObjectNode config = JSON.createObjectNode();
        if (plan.channels() == null) {
            return config;
        }
        for (AgentPlan.ChannelPlan channel : plan.channels()) {
            ObjectNode c = config.putObject(channel.name());
            if (channel.contentType() != null) {
                c.put("ContentType", channel.contentType());
            }
            c.put("TrainingInputMode", channel.inputMode() == null ? "File" : channel.inputMode());
            c.put("S3DistributionType", channel.distribution() == null ? "FullyReplicated" : channel.distribution());
            c.put("RecordWrapperType", channel.recordWrapper() == null ? "None" : channel.recordWrapper());
            if (channel.compression() != null) {
                c.put("CompressionType", channel.compression());
            }
        }
        return config;
    }

    public static void write(AgentPlan plan, Path configDir) throws IOException {
        Files.createDirectories(configDir);
        for (Map.Entry<String, String> file : render(plan).entrySet()) {
            Files.writeString(configDir.resolve(file.getKey()), file.getValue());
        }
    }
}
