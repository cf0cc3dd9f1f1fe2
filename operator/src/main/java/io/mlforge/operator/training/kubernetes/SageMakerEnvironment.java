package io.mlforge.operator.training.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlforge.agent.AgentPlan;
import io.mlforge.agent.SageMakerConfigFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SM_* environment SageMaker gives a training container (as the sagemaker-training toolkit documents it),
 * computed from the same plan that produces /opt/ml/input/config, so the two always agree.
 */
public final class SageMakerEnvironment {
    public static final String ML = "/opt/ml";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SageMakerEnvironment() {}

    public static Map<String, String> of(AgentPlan plan, int gpus, List<String> userArgs) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            Map<String, String> files = SageMakerConfigFiles.render(plan);
            env.put("TRAINING_JOB_NAME", plan.jobName());
            env.put("SM_CURRENT_HOST", plan.currentHost());
            env.put("SM_HOSTS", JSON.writeValueAsString(plan.hosts()));
            env.put("SM_NUM_GPUS", Integer.toString(gpus));
            if (plan.instanceType() != null) {
                env.put("SM_CURRENT_INSTANCE_TYPE", plan.instanceType());
            }
            env.put("SM_HPS", files.get("hyperparameters.json"));
            for (Map.Entry<String, String> hp : plan.hyperParameters().entrySet()) {
                env.put("SM_HP_" + envName(hp.getKey()), hp.getValue());
            }
            List<String> channels =
                    plan.channels().stream().map(AgentPlan.ChannelPlan::name).toList();
            env.put("SM_CHANNELS", JSON.writeValueAsString(channels));
            for (String channel : channels) {
                env.put("SM_CHANNEL_" + envName(channel), ML + "/input/data/" + channel);
            }
            env.put("SM_MODEL_DIR", ML + "/model");
            env.put("SM_INPUT_DIR", ML + "/input");
            env.put("SM_INPUT_CONFIG_DIR", ML + "/input/config");
            env.put("SM_OUTPUT_DIR", ML + "/output");
            env.put("SM_OUTPUT_DATA_DIR", ML + "/output/data");
            env.put("SM_OUTPUT_INTERMEDIATE_DIR", ML + "/output/intermediate");
            env.put("SM_INPUT_DATA_CONFIG", files.get("inputdataconfig.json"));
            env.put("SM_RESOURCE_CONFIG", files.get("resourceconfig.json"));
            env.put("SM_NETWORK_INTERFACE_NAME", "eth0");
            env.put("SM_LOG_LEVEL", "20");
            env.put("SM_USER_ARGS", JSON.writeValueAsString(userArgs));
            env.put("SM_TRAINING_ENV", trainingEnv(plan, gpus, channels, files));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }

    private static String trainingEnv(AgentPlan plan, int gpus, List<String> channels, Map<String, String> files)
            throws JsonProcessingException {
        ObjectNode env = JSON.createObjectNode();
        env.put("job_name", plan.jobName());
        env.put("current_host", plan.currentHost());
        env.set("hosts", JSON.valueToTree(plan.hosts()));
        env.put("num_gpus", gpus);
        env.set("hyperparameters", JSON.valueToTree(plan.hyperParameters()));
        ObjectNode dirs = env.putObject("channel_input_dirs");
        channels.forEach(c -> dirs.put(c, ML + "/input/data/" + c));
        env.put("model_dir", ML + "/model");
        env.put("output_data_dir", ML + "/output/data");
        env.put("output_dir", ML + "/output");
        env.put("input_dir", ML + "/input");
        env.put("input_config_dir", ML + "/input/config");
        env.set("input_data_config", JSON.readTree(files.get("inputdataconfig.json")));
        env.set("resource_config", JSON.readTree(files.get("resourceconfig.json")));
        env.put("network_interface_name", "eth0");
        return JSON.writeValueAsString(env);
    }

    /** SM_HP_/SM_CHANNEL_ suffix: upper case, characters an environment variable cannot hold become "_". */
    static String envName(String name) {
        return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_.-]", "_");
    }
}
