package io.mlforge.sagemaker.emulator;

import static io.mlforge.sagemaker.emulator.TrainingJobStore.seconds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Models, endpoint configs and endpoints. Models and configs are immutable (create and delete only); an endpoint
 * moves Creating -> InService, Updating -> InService on UpdateEndpoint, Deleting -> gone. A container image
 * containing "sandbox-fail" does not pass the health check: creation fails, an update rolls back to the previous
 * config with FailureReason set. An image containing "sandbox-missing" is rejected by CreateModel as SageMaker rejects
 * images it cannot find.
 */
final class HostingStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Named(String name, String arn, ObjectNode request, Instant created) {}

    static final class Endpoint {
        final String name;
        final String arn;
        final Instant created;
        volatile String config;
        volatile String pendingConfig;
        volatile Instant updateStarted;
        volatile Instant deleteRequested;
        volatile String failureReason;
        volatile boolean createFailed;

        Endpoint(String name, String arn, String config, Instant created) {
            this.name = name;
            this.arn = arn;
            this.config = config;
            this.created = created;
        }
    }

    private final Map<String, Named> models = new ConcurrentHashMap<>();
    private final Map<String, Named> configs = new ConcurrentHashMap<>();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final SageMakerEmulator emulator;

    HostingStore(SageMakerEmulator emulator) {
        this.emulator = emulator;
    }

    ObjectNode createModel(JsonNode request, Instant now) {
        String name = Checks.name(request, "ModelName", "modelName", Checks.NAME, 63);
        Checks.role(request, "ExecutionRoleArn", "executionRoleArn");
        if (!request.hasNonNull("PrimaryContainer") && !request.hasNonNull("Containers")) {
            throw AwsError.validation("Either PrimaryContainer or Containers must be specified.");
        }
        if (request.path("Containers").size() > 15) {
            throw AwsError.validation(
                    "1 validation error detected: Value at 'containers' failed to satisfy constraint: Member must have length less than or equal to 15");
        }
        for (JsonNode container : request.has("Containers")
                ? request.get("Containers")
                : JSON.createArrayNode().add(request.path("PrimaryContainer"))) {
            String image = container.path("Image").asText("");
            if (image.contains("sandbox-missing")) {
                throw AwsError.validation("Requested image " + image + " not found.");
            }
        }
        if (models.containsKey(name)) {
            throw AwsError.validation(
                    "Cannot create already existing model \"" + emulator.arn("model/" + name.toLowerCase()) + "\".");
        }
        String arn = emulator.arn("model/" + name.toLowerCase());
        models.put(name, new Named(name, arn, request.deepCopy(), now));
        ObjectNode response = JSON.createObjectNode();
        response.put("ModelArn", arn);
        return response;
    }

    ObjectNode describeModel(JsonNode request) {
        String name = Checks.required(request, "ModelName", "modelName").asText();
        Named model = models.get(name);
        if (model == null) {
            throw AwsError.validation("Could not find model \"" + emulator.arn("model/" + name.toLowerCase()) + "\".");
        }
        ObjectNode d = model.request().deepCopy();
        d.remove("Tags");
        d.put("ModelArn", model.arn());
        d.put("CreationTime", seconds(model.created()));
        return d;
    }

    ObjectNode deleteModel(JsonNode request) {
        String name = Checks.required(request, "ModelName", "modelName").asText();
        if (models.remove(name) == null) {
            throw AwsError.validation("Could not find model \"" + emulator.arn("model/" + name.toLowerCase()) + "\".");
        }
        return JSON.createObjectNode();
    }

    ObjectNode createEndpointConfig(JsonNode request, Instant now) {
        String name = Checks.name(request, "EndpointConfigName", "endpointConfigName", Checks.NAME, 63);
        JsonNode variants = Checks.required(request, "ProductionVariants", "productionVariants");
        if (variants.isEmpty() || variants.size() > 10) {
            throw AwsError.validation(
                    "1 validation error detected: Value at 'productionVariants' failed to satisfy constraint: Member must have length between 1 and 10");
        }
        for (JsonNode v : variants) {
            String model = Checks.required(v, "ModelName", "productionVariants.member.modelName")
                    .asText();
            if (!models.containsKey(model)) {
                throw AwsError.validation(
                        "Could not find model \"" + emulator.arn("model/" + model.toLowerCase()) + "\".");
            }
            JsonNode serverless = v.get("ServerlessConfig");
            if (serverless != null) {
                int memory = serverless.path("MemorySizeInMB").asInt();
                if (memory < 1024 || memory > 6144 || memory % 1024 != 0) {
                    throw AwsError.validation(
                            "1 validation error detected: Value '" + memory
                                    + "' at 'productionVariants.1.member.serverlessConfig.memorySizeInMB' failed to satisfy constraint: Member must have value less than or equal to 6144 and a multiple of 1024");
                }
                Checks.range(
                        serverless.get("MaxConcurrency"),
                        "productionVariants.1.member.serverlessConfig.maxConcurrency",
                        1,
                        200);
            } else if (!v.hasNonNull("InstanceType")) {
                throw AwsError.validation("InstanceType is required for a production variant that is not serverless.");
            }
        }
        if (configs.containsKey(name)) {
            throw AwsError.validation("Cannot create already existing endpoint configuration \""
                    + emulator.arn("endpoint-config/" + name.toLowerCase()) + "\".");
        }
        String arn = emulator.arn("endpoint-config/" + name.toLowerCase());
        configs.put(name, new Named(name, arn, request.deepCopy(), now));
        ObjectNode response = JSON.createObjectNode();
        response.put("EndpointConfigArn", arn);
        return response;
    }

    ObjectNode describeEndpointConfig(JsonNode request) {
        String name = Checks.required(request, "EndpointConfigName", "endpointConfigName")
                .asText();
        Named config = config(name);
        ObjectNode d = config.request().deepCopy();
        d.remove("Tags");
        d.put("EndpointConfigArn", config.arn());
        d.put("CreationTime", seconds(config.created()));
        return d;
    }

    ObjectNode deleteEndpointConfig(JsonNode request) {
        String name = Checks.required(request, "EndpointConfigName", "endpointConfigName")
                .asText();
        config(name);
        configs.remove(name);
        return JSON.createObjectNode();
    }

    private Named config(String name) {
        Named config = configs.get(name);
        if (config == null) {
            throw AwsError.validation("Could not find endpoint configuration \""
                    + emulator.arn("endpoint-config/" + name.toLowerCase()) + "\".");
        }
        return config;
    }

    private boolean healthy(String configName) {
        Named config = configs.get(configName);
        if (config == null) {
            return false;
        }
        for (JsonNode v : config.request().path("ProductionVariants")) {
            Named model = models.get(v.path("ModelName").asText());
            if (model == null || model.request().toString().contains("sandbox-fail")) {
                return false;
            }
        }
        return true;
    }

    ObjectNode createEndpoint(JsonNode request, Instant now) {
        String name = Checks.name(request, "EndpointName", "endpointName", Checks.NAME, 63);
        String configName = Checks.required(request, "EndpointConfigName", "endpointConfigName")
                .asText();
        config(configName);
        Endpoint existing = endpoints.get(name);
        if (existing != null && status(existing, now) != null) {
            throw AwsError.validation("Cannot create already existing endpoint \"" + existing.arn + "\".");
        }
        Endpoint endpoint = new Endpoint(name, emulator.arn("endpoint/" + name.toLowerCase()), configName, now);
        endpoint.createFailed = !healthy(configName);
        endpoints.put(name, endpoint);
        ObjectNode response = JSON.createObjectNode();
        response.put("EndpointArn", endpoint.arn);
        return response;
    }

    /** Every endpoint not yet deleted, by name, with its status now. */
    Map<String, String> endpointStatuses(Instant now) {
        Map<String, String> result = new java.util.TreeMap<>();
        for (Endpoint e : java.util.List.copyOf(endpoints.values())) {
            String status = status(e, now);
            if (status != null) {
                result.put(e.name, status);
            }
        }
        return result;
    }

    java.util.Set<String> configNames() {
        return new java.util.TreeSet<>(configs.keySet());
    }

    java.util.Set<String> modelNames() {
        return new java.util.TreeSet<>(models.keySet());
    }

    /** The endpoint's status now, settling finished transitions; null once deleted. */
    private String status(Endpoint e, Instant now) {
        Timing t = emulator.timing();
        if (e.deleteRequested != null) {
            if (!now.isBefore(e.deleteRequested.plus(t.endpointDelete()))) {
                endpoints.remove(e.name, e);
                return null;
            }
            return "Deleting";
        }
        if (now.isBefore(e.created.plus(t.endpointCreate()))) {
            return "Creating";
        }
        if (e.createFailed) {
            e.failureReason =
                    "The primary container for production variant did not pass the ping health check. Please check CloudWatch logs for this endpoint.";
            return "Failed";
        }
        if (e.pendingConfig != null) {
            if (now.isBefore(e.updateStarted.plus(t.endpointUpdate()))) {
                return "Updating";
            }
            if (healthy(e.pendingConfig)) {
                e.config = e.pendingConfig;
                e.failureReason = null;
            } else {
                e.failureReason =
                        "Update failed: the primary container for production variant did not pass the ping health check. "
                                + "The endpoint was rolled back to the previous endpoint configuration " + e.config
                                + ".";
            }
            e.pendingConfig = null;
        }
        return "InService";
    }

    private Endpoint endpoint(String name, Instant now) {
        Endpoint e = endpoints.get(name);
        if (e == null || status(e, now) == null) {
            throw AwsError.validation(
                    "Could not find endpoint \"" + emulator.arn("endpoint/" + name.toLowerCase()) + "\".");
        }
        return e;
    }

    ObjectNode describeEndpoint(JsonNode request, Instant now) {
        Endpoint e = endpoint(
                Checks.required(request, "EndpointName", "endpointName").asText(), now);
        String status = status(e, now);
        ObjectNode d = JSON.createObjectNode();
        d.put("EndpointName", e.name);
        d.put("EndpointArn", e.arn);
        d.put("EndpointConfigName", e.config);
        d.put("EndpointStatus", status);
        d.put("CreationTime", seconds(e.created));
        d.put("LastModifiedTime", seconds(e.updateStarted != null ? e.updateStarted : e.created));
        if (e.failureReason != null) {
            d.put("FailureReason", e.failureReason);
        }
        if (!status.equals("Creating") && !status.equals("Failed")) {
            ArrayNode variants = d.putArray("ProductionVariants");
            Named config = configs.get(e.config);
            if (config != null) {
                for (JsonNode v : config.request().path("ProductionVariants")) {
                    ObjectNode out = variants.addObject();
                    out.put("VariantName", v.path("VariantName").asText());
                    double weight = v.path("InitialVariantWeight").asDouble(1.0);
                    out.put("CurrentWeight", weight);
                    out.put("DesiredWeight", weight);
                    if (v.has("ServerlessConfig")) {
                        out.set("CurrentServerlessConfig", v.get("ServerlessConfig"));
                    } else {
                        int count = v.path("InitialInstanceCount").asInt(1);
                        out.put("CurrentInstanceCount", count);
                        out.put("DesiredInstanceCount", count);
                    }
                }
            }
        }
        return d;
    }

    ObjectNode updateEndpoint(JsonNode request, Instant now) {
        Endpoint e = endpoint(
                Checks.required(request, "EndpointName", "endpointName").asText(), now);
        String configName = Checks.required(request, "EndpointConfigName", "endpointConfigName")
                .asText();
        config(configName);
        String status = status(e, now);
        if (!status.equals("InService")) {
            throw AwsError.validation("Cannot update in-progress endpoint \"" + e.arn + "\".");
        }
        e.pendingConfig = configName;
        e.updateStarted = now;
        ObjectNode response = JSON.createObjectNode();
        response.put("EndpointArn", e.arn);
        return response;
    }

    ObjectNode deleteEndpoint(JsonNode request, Instant now) {
        Endpoint e = endpoint(
                Checks.required(request, "EndpointName", "endpointName").asText(), now);
        if (e.deleteRequested == null) {
            e.deleteRequested = now;
        }
        return JSON.createObjectNode();
    }
}
