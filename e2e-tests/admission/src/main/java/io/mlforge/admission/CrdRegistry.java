package io.mlforge.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The admission of several CRDs, looked up by the apiVersion and kind of an object. */
public final class CrdRegistry {
    private final Map<String, CrdAdmission> byTypeKey = new LinkedHashMap<>();

    public CrdRegistry register(CrdAdmission admission) {
        byTypeKey.put(admission.apiVersion() + "/" + admission.kind(), admission);
        return this;
    }

    public CrdRegistry registerYaml(String crdYaml) {
        return register(CrdAdmission.fromYaml(crdYaml));
    }

    /** The admission for the object's apiVersion and kind, if that type is registered. */
    public Optional<CrdAdmission> forObject(JsonNode object) {
        return Optional.ofNullable(byTypeKey.get(object.path("apiVersion").asText() + "/" + object.path("kind").asText()));
    }

    public Map<String, CrdAdmission> all() {
        return Map.copyOf(byTypeKey);
    }
}
