package io.mlforge.sandbox.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import io.mlforge.admission.AdmissionResult;
import io.mlforge.admission.CrdAdmission;
import io.mlforge.admission.CrdRegistry;
import io.mlforge.admission.FieldError;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox API server's request handling: fabric8's in-memory CRUD dispatcher, with what it lacks in front of
 * it: admission of MLForge resources as a real API server does it (defaults stored, schema and CEL rules checked,
 * transition rules against the stored object, 422 with field causes otherwise), /version, pods/log served from
 * the simulated kubelet, and request counting.
 */
public final class SandboxDispatcher extends Dispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CUSTOM_RESOURCE = Pattern.compile(
            "^/apis/(?<group>[^/]+)/(?<version>[^/]+)/namespaces/(?<ns>[^/]+)/(?<plural>[^/]+)(/(?<name>[^/]+))?(/(?<sub>[^/]+))?$");
    private static final Pattern POD_LOG = Pattern.compile("^/api/v1/namespaces/(?<ns>[^/]+)/pods/(?<name>[^/]+)/log$");
    private static final Pattern RESOURCE = Pattern.compile("^/apis?/(?:[^/]+/)?(?:v1|v[0-9][a-z0-9]*)/(?:namespaces/[^/]+/)?(?<resource>[a-z]+)");

    private final KubernetesCrudDispatcher crud;
    private final CrdRegistry admission;
    private final Map<String, CrdAdmission> byPlural = new HashMap<>();
    private final RequestStats stats;
    private volatile PodLogSource logs = (ns, pod, container, since, ts, limit, tail) -> Optional.empty();

    public SandboxDispatcher(KubernetesCrudDispatcher crud, CrdRegistry admission, Map<String, String> kindByPlural, RequestStats stats) {
        this.crud = crud;
        this.admission = admission;
        this.stats = stats;
        admission.all().values().forEach(a -> kindByPlural.forEach((plural, kind) -> {
            if (kind.equals(a.kind())) {
                byPlural.put(a.apiVersion() + "/" + plural, a);
            }
        }));
    }

    public void setLogSource(PodLogSource logs) {
        this.logs = logs;
    }

    private volatile boolean gatewayApi;

    /** Serve the Gateway API's discovery document, as a cluster with the Gateway API CRDs installed does. */
    public void installGatewayApi() {
        gatewayApi = true;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String fullPath = request.getPath();
        String path = fullPath.contains("?") ? fullPath.substring(0, fullPath.indexOf('?')) : fullPath;
        Map<String, String> query = query(fullPath);
        String client = request.getHeader(RequestStats.CLIENT_HEADER) == null ? "external" : request.getHeader(RequestStats.CLIENT_HEADER);
        Matcher resource = RESOURCE.matcher(path);
        stats.record(client, request.getMethod() + ("true".equals(query.get("watch")) ? " watch" : ""),
                resource.find() ? resource.group("resource") : path);

        if (gatewayApi && path.equals("/apis/gateway.networking.k8s.io/v1")) {
            return json(200, "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"gateway.networking.k8s.io/v1\","
                    + "\"resources\":[{\"name\":\"httproutes\",\"singularName\":\"httproute\",\"namespaced\":true,\"kind\":\"HTTPRoute\","
                    + "\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]},"
                    + "{\"name\":\"gateways\",\"singularName\":\"gateway\",\"namespaced\":true,\"kind\":\"Gateway\","
                    + "\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}]}");
        }
        if (path.equals("/version")) {
            return json(200, "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0-mlforge-sandbox\",\"platform\":\"linux/amd64\"}");
        }
        Matcher log = POD_LOG.matcher(path);
        if (log.matches() && "GET".equals(request.getMethod())) {
            return podLog(log.group("ns"), log.group("name"), query);
        }
        Matcher cr = CUSTOM_RESOURCE.matcher(path);
        if (cr.matches() && cr.group("sub") == null) {
            CrdAdmission crd = byPlural.get(cr.group("group") + "/" + cr.group("version") + "/" + cr.group("plural"));
            if (crd != null) {
                switch (request.getMethod()) {
                    case "POST" -> {
                        return create(request, crd);
                    }
                    case "PUT" -> {
                        return update(request, crd, path, readBody(request));
                    }
                    case "PATCH" -> {
                        return patch(request, crd, path);
                    }
                    default -> {
                    }
                }
            }
        }
        return crud.dispatch(request);
    }

    private MockResponse create(RecordedRequest request, CrdAdmission crd) {
        JsonNode object = readBody(request);
        AdmissionResult result = crd.create(object);
        if (!result.allowed()) {
            return invalid(crd, object, result);
        }
        return crud.dispatch(withBody(request, request.getMethod(), result.object()));
    }

    private MockResponse update(RecordedRequest request, CrdAdmission crd, String path, JsonNode object) {
        JsonNode old = stored(path);
        if (old == null) {
            return crud.dispatch(request);
        }
        AdmissionResult result = crd.update(object, old);
        if (!result.allowed()) {
            return invalid(crd, object, result);
        }
        ObjectNode updated = (ObjectNode) result.object();
        if (!updated.has("status") && old.has("status")) {
            updated.set("status", old.get("status")); // the main resource never changes status
        }
        return crud.dispatch(withBody(request, "PUT", updated));
    }

    private MockResponse patch(RecordedRequest request, CrdAdmission crd, String path) {
        JsonNode old = stored(path);
        if (old == null) {
            return crud.dispatch(request);
        }
        String type = request.getHeader("Content-Type") == null ? "" : request.getHeader("Content-Type");
        JsonNode patch = readBody(request);
        JsonNode patched;
        if (type.contains("json-patch")) {
            patched = JsonPatch.apply(patch, old);
        } else if (type.contains("merge-patch")) {
            patched = mergePatch(old.deepCopy(), patch);
        } else {
            return json(415, status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types "
                    + "include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", null));
        }
        if (patched.isObject() && old.has("metadata") && old.get("metadata").has("resourceVersion")) {
            ((ObjectNode) patched.get("metadata")).put("resourceVersion", old.get("metadata").get("resourceVersion").asText());
        }
        return update(request, crd, path, patched);
    }

    private JsonNode stored(String path) {
        MockResponse current = crud.handleGet(path);
        if (current.code() != 200) {
            return null;
        }
        try {
            return JSON.readTree(current.getBody().readUtf8());
        } catch (Exception e) {
            return null;
        }
    }

    private static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }

    private MockResponse invalid(CrdAdmission crd, JsonNode object, AdmissionResult result) {
        String name = object.at("/metadata/name").asText();
        String group = crd.apiVersion().substring(0, crd.apiVersion().indexOf('/'));
        ArrayNode causes = JSON.createArrayNode();
        StringBuilder messages = new StringBuilder();
        for (FieldError error : result.errors()) {
            ObjectNode cause = causes.addObject();
            cause.put("reason", "Field" + switch (error.type()) {
                case "Required" -> "ValueRequired";
                case "Forbidden" -> "ValueForbidden";
                case "Duplicate" -> "ValueDuplicate";
                case "NotSupported" -> "ValueNotSupported";
                case "Unknown" -> "ValueInvalid";
                default -> "ValueInvalid";
            });
            cause.put("message", error.message());
            cause.put("field", error.field());
            messages.append(messages.length() == 0 ? "" : ", ").append(error);
        }
        ObjectNode details = JSON.createObjectNode();
        details.put("name", name);
        details.put("group", group);
        details.put("kind", crd.kind());
        details.set("causes", causes);
        String message = crd.kind() + "." + group + " \"" + name + "\" is invalid: "
                + (result.errors().size() == 1 ? messages : "[" + messages + "]");
        return json(422, status(422, "Invalid", message, details));
    }

    private static String status(int code, String reason, String message, ObjectNode details) {
        ObjectNode status = JSON.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", reason);
        if (details != null) {
            status.set("details", details);
        }
        status.put("code", code);
        return status.toString();
    }

    private MockResponse podLog(String namespace, String pod, Map<String, String> query) {
        Optional<String> text = logs.read(namespace, pod, query.get("container"), query.get("sinceTime"),
                "true".equals(query.get("timestamps")), query.containsKey("limitBytes") ? Integer.valueOf(query.get("limitBytes")) : null,
                query.containsKey("tailLines") ? Integer.valueOf(query.get("tailLines")) : null);
        if (text.isEmpty()) {
            return json(404, status(404, "NotFound", "pods \"" + pod + "\" not found", null));
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain").setBody(text.get());
    }

    private static RecordedRequest withBody(RecordedRequest request, String method, JsonNode body) {
        io.fabric8.mockwebserver.http.Headers headers = io.fabric8.mockwebserver.http.Headers.builder()
                .add("Content-Type", "application/json").build();
        return new RecordedRequest(request.getHttpVersion(), io.fabric8.mockwebserver.dsl.HttpMethod.valueOf(method),
                request.getPath(), headers, new Buffer(body.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode readBody(RecordedRequest request) {
        try {
            return JSON.readTree(request.getUtf8Body());
        } catch (Exception e) {
            throw new IllegalArgumentException("request body is not JSON", e);
        }
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }

    private static Map<String, String> query(String fullPath) {
        Map<String, String> query = new HashMap<>();
        int q = fullPath.indexOf('?');
        if (q < 0) {
            return query;
        }
        for (String pair : fullPath.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }
}
