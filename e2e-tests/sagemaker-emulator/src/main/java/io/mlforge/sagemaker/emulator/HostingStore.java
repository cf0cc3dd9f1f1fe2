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
 * moves Creating -> InService, Updating -> InService on UpdateEndpoint, Deleting -> gone. Each endpoint keeps its
 * variants' weights and instance counts apart from its config (from the config's initial values when it is created
 * or rolled to a new config): UpdateEndpointWeightsAndCapacities changes them in place as SageMaker does (InService
 * only, existing variants only, the capacity of one variant per call; Updating with desired and current values
 * apart until it is applied). A container image
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
        /** Weights and instance counts per variant, in the config's order. */
        volatile Map<String, VariantState> variants = Map.of();

        volatile Instant inPlaceUpdateStarted;

        Endpoint(String name, String arn, String config, Instant created) {
            this.name = name;
            this.arn = arn;
            this.config = config;
            this.created = created;
        }
    }

    /** A variant's routing weight and instances: desired differs from current while an in-place update applies. */
    static final class VariantState {
        double currentWeight;
        double desiredWeight;
        Integer currentCount;
        Integer desiredCount;
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
        endpoint.variants = initialVariants(configName);
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
                e.variants = initialVariants(e.config);
                e.failureReason = null;
            } else {
                e.failureReason =
                        "Update failed: the primary container for production variant did not pass the ping health check. "
                                + "The endpoint was rolled back to the previous endpoint configuration " + e.config
                                + ".";
            }
            e.pendingConfig = null;
        }
        if (e.inPlaceUpdateStarted != null) {
            if (now.isBefore(e.inPlaceUpdateStarted.plus(t.endpointUpdate()))) {
                return "Updating";
            }
            for (VariantState v : e.variants.values()) {
                v.currentWeight = v.desiredWeight;
                v.currentCount = v.desiredCount;
            }
            e.inPlaceUpdateStarted = null;
        }
        return "InService";
    }

    /** The variants of a config with its initial weights and instance counts. */
    private Map<String, VariantState> initialVariants(String configName) {
        Map<String, VariantState> variants = new java.util.LinkedHashMap<>();
        for (JsonNode v : config(configName).request().path("ProductionVariants")) {
            VariantState state = new VariantState();
            state.currentWeight = v.path("InitialVariantWeight").asDouble(1.0);
            state.desiredWeight = state.currentWeight;
            if (!v.has("ServerlessConfig")) {
                state.currentCount = v.path("InitialInstanceCount").asInt(1);
                state.desiredCount = state.currentCount;
            }
            variants.put(v.path("VariantName").asText(), state);
        }
        return java.util.Collections.unmodifiableMap(variants);
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
                    String name = v.path("VariantName").asText();
                    VariantState state = e.variants.get(name);
                    out.put("VariantName", name);
                    out.put("CurrentWeight", state.currentWeight);
                    out.put("DesiredWeight", state.desiredWeight);
                    if (v.has("ServerlessConfig")) {
                        out.set("CurrentServerlessConfig", v.get("ServerlessConfig"));
                    } else {
                        out.put("CurrentInstanceCount", state.currentCount);
                        out.put("DesiredInstanceCount", state.desiredCount);
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

    ObjectNode updateEndpointWeightsAndCapacities(JsonNode request, Instant now) {
        Endpoint e = endpoint(
                Checks.required(request, "EndpointName", "endpointName").asText(), now);
        JsonNode desired = Checks.required(request, "DesiredWeightsAndCapacities", "desiredWeightsAndCapacities");
        if (desired.isEmpty()) {
            throw AwsError.validation(
                    "1 validation error detected: Value '[]' at 'desiredWeightsAndCapacities' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }
        if (!status(e, now).equals("InService")) {
            throw AwsError.validation("Cannot update in-progress endpoint \"" + e.arn + "\".");
        }
        int capacities = 0;
        for (JsonNode d : desired) {
            String name = Checks.required(d, "VariantName", "desiredWeightsAndCapacities.member.variantName")
                    .asText();
            VariantState state = e.variants.get(name);
            if (state == null) {
                throw AwsError.validation(
                        "The variant name(s) [" + name + "] is/are not present in the endpoint \"" + e.arn + "\".");
            }
            if (d.has("DesiredWeight") && d.get("DesiredWeight").asDouble() < 0) {
                throw AwsError.validation(
                        "1 validation error detected: Value at 'desiredWeightsAndCapacities.member.desiredWeight' failed to satisfy constraint: Member must have value greater than or equal to 0");
            }
            if (d.has("DesiredInstanceCount")) {
                if (state.currentCount == null) {
                    throw AwsError.validation(
                            "DesiredInstanceCount is not supported for serverless variant " + name + ".");
                }
                if (d.get("DesiredInstanceCount").asInt() < 0) {
                    throw AwsError.validation(
                            "1 validation error detected: Value at 'desiredWeightsAndCapacities.member.desiredInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 0");
                }
                capacities++;
            }
            if (!d.has("DesiredWeight") && !d.has("DesiredInstanceCount") && !d.has("ServerlessUpdateConfig")) {
                throw AwsError.validation(
                        "Either DesiredWeight or DesiredInstanceCount must be specified for variant " + name + ".");
            }
        }
        if (capacities > 1) {
            throw AwsError.validation("The capacity of only one variant can be updated per request.");
        }
        for (JsonNode d : desired) {
            VariantState state = e.variants.get(d.path("VariantName").asText());
            if (d.has("DesiredWeight")) {
                state.desiredWeight = d.get("DesiredWeight").asDouble();
            }
            if (d.has("DesiredInstanceCount")) {
                state.desiredCount = d.get("DesiredInstanceCount").asInt();
            }
        }
        e.inPlaceUpdateStarted = now;
        e.updateStarted = now;
        ObjectNode response = JSON.createObjectNode();
        response.put("EndpointArn", e.arn);
        return response;
    }

    /** What InvokeEndpoint answers: the variant that served, the content type and the body. */
    record Invocation(String variant, String contentType, byte[] body) {}

    /**
     * SageMaker Runtime's InvokeEndpoint against a synthetic model: the endpoint must be InService (or Updating, when
     * SageMaker keeps serving); the variant is the one asked for, else one picked in proportion to the current
     * weights. The model scores each input line (CSV) or each element of {@code instances} (JSON) with a number in
     * [0, 1) derived from the model's data URL and the input, so the same model gives the same answer and another
     * model another one.
     */
    Invocation invoke(String name, String targetVariant, String contentType, byte[] body, double roll, Instant now) {
        Endpoint e = endpoints.get(name);
        String status = e == null ? null : status(e, now);
        if (status == null) {
            throw new AwsError(
                    "ValidationError",
                    400,
                    "Endpoint " + name + " of account " + SageMakerEmulator.ACCOUNT + " not found.");
        }
        if (!status.equals("InService") && !status.equals("Updating")) {
            throw new AwsError(
                    "ValidationError",
                    400,
                    "Endpoint " + name + " of account " + SageMakerEmulator.ACCOUNT + " is not in service (" + status
                            + ").");
        }
        if (config(e.config).request().hasNonNull("AsyncInferenceConfig")) {
            throw new AwsError(
                    "ValidationError",
                    400,
                    "Endpoint " + name + " of account " + SageMakerEmulator.ACCOUNT
                            + " is an asynchronous endpoint: use InvokeEndpointAsync.");
        }
        Map<String, VariantState> variants = e.variants;
        String variant = targetVariant;
        if (variant != null && !variants.containsKey(variant)) {
            throw new AwsError(
                    "ValidationError",
                    400,
                    "Variant " + variant + " does not exist on endpoint " + name + ". Variants: " + variants.keySet());
        }
        if (variant == null) {
            double total =
                    variants.values().stream().mapToDouble(v -> v.currentWeight).sum();
            if (total <= 0) {
                throw new AwsError(
                        "ValidationError",
                        400,
                        "Every variant of endpoint " + name + " has weight 0: none takes traffic.");
            }
            double at = roll * total;
            for (var entry : variants.entrySet()) {
                if (entry.getValue().currentWeight <= 0) {
                    continue;
                }
                variant = entry.getKey();
                at -= entry.getValue().currentWeight;
                if (at < 0) {
                    break;
                }
            }
        }
        String model = "";
        for (JsonNode v : config(e.config).request().path("ProductionVariants")) {
            if (v.path("VariantName").asText().equals(variant)) {
                Named m = models.get(v.path("ModelName").asText());
                model = m == null
                        ? ""
                        : m.request()
                                .path("PrimaryContainer")
                                .path("ModelDataUrl")
                                .asText(m.name());
            }
        }
        try {
            SyntheticModel.Answer answer = SyntheticModel.answer(model, contentType, body);
            return new Invocation(variant, answer.contentType(), answer.body());
        } catch (IllegalArgumentException ex) {
            throw new AwsError(
                    "ModelError",
                    424,
                    "Received client error (400) from primary with message \"" + ex.getMessage() + "\".");
        }
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
