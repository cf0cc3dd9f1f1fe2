package io.mlforge.api.build;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Build step run right after the fabric8 CRD generator (bound to process-test-classes in crds/pom.xml).
 *
 * <ul>
 *   <li>The generator sorts additionalPrinterColumns by JSON path, which would make AGE the first column of
 *       {@code kubectl get}. This puts them back in the order the kind's class declares them (Phase first, Age last).</li>
 *   <li>The generator ignores {@code @JsonClassDescription}, so {@code kubectl explain trainingjob} (and .spec, .status)
 *       would show no text. This copies the descriptions of the kind, spec and status classes to those schema nodes.</li>
 *   <li>status.conditions becomes a map list keyed by type, as metav1.Condition lists are (one condition per type).</li>
 *   <li>Lists whose field carries {@code @UniqueBy} become {@code x-kubernetes-list-type: map} keyed by the named
 *       fields (or {@code set}): the server enforces uniqueness natively and server-side apply merges by key.</li>
 *   <li>Integral bounds are written as plain integers: the generator keeps them as doubles, which YAML output turns
 *       into {@code 3.1536E7}, a string to YAML 1.1 parsers (PyYAML, Ansible) that then send a CRD the server rejects.</li>
 * </ul>
 */
public final class CrdPostProcessor {
    private static final String API_PACKAGE = "io.mlforge.api.v1alpha1.";

    private CrdPostProcessor() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        YAMLMapper yaml = new YAMLMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith("-v1.yml"))
                    .sorted()
                    .toList()) {
                process(yaml, file);
            }
        }
    }

    private static void describeRootSpecAndStatus(ObjectNode crd, Class<?> kindClass) {
        Type[] specAndStatus = ((ParameterizedType) kindClass.getGenericSuperclass()).getActualTypeArguments();
        for (JsonNode version : crd.at("/spec/versions")) {
            ObjectNode schema = (ObjectNode) version.at("/schema/openAPIV3Schema");
            setDescription(schema, kindClass);
            setDescription((ObjectNode) schema.at("/properties/spec"), (Class<?>) specAndStatus[0]);
            setDescription((ObjectNode) schema.at("/properties/status"), (Class<?>) specAndStatus[1]);
            ObjectNode conditions = (ObjectNode) schema.at("/properties/status/properties/conditions");
            conditions.put("x-kubernetes-list-type", "map");
            conditions.putArray("x-kubernetes-list-map-keys").add("type");
        }
    }

    /** Walks the schema along the Java type, setting list types where a field is annotated @UniqueBy. */
    private static void declareListTypes(JsonNode schema, Type type) {
        if (!(schema instanceof ObjectNode node)) {
            return;
        }
        if (type instanceof ParameterizedType parameterized) {
            Class<?> raw = (Class<?>) parameterized.getRawType();
            Type[] arguments = parameterized.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                declareListTypes(node.get("items"), arguments[0]);
            } else if (java.util.Map.class.isAssignableFrom(raw)) {
                declareListTypes(node.get("additionalProperties"), arguments[1]);
            }
            return;
        }
        if (!(type instanceof Class<?> cls)
                || !cls.getName().startsWith(API_PACKAGE)
                || !(node.get("properties") instanceof ObjectNode properties)) {
            return;
        }
        for (java.lang.reflect.Field field : cls.getFields()) {
            com.fasterxml.jackson.annotation.JsonProperty renamed =
                    field.getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
            String name = renamed != null && !renamed.value().isEmpty() ? renamed.value() : field.getName();
            if (!(properties.get(name) instanceof ObjectNode property)) {
                continue;
            }
            io.mlforge.api.v1alpha1.UniqueBy unique = field.getAnnotation(io.mlforge.api.v1alpha1.UniqueBy.class);
            if (unique != null) {
                if (!"array".equals(property.path("type").asText())) {
                    throw new IllegalStateException(cls.getSimpleName() + "." + name + ": @UniqueBy needs a list");
                }
                if (unique.value().length == 0) {
                    property.put("x-kubernetes-list-type", "set");
                } else {
                    property.put("x-kubernetes-list-type", "map");
                    ArrayNode keys = property.putArray("x-kubernetes-list-map-keys");
                    for (String key : unique.value()) {
                        keys.add(key);
                    }
                }
            }
            declareListTypes(property, field.getGenericType());
        }
    }

    private static void writeIntegralBoundsAsIntegers(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (String bound : List.of("minimum", "maximum")) {
                JsonNode value = object.get(bound);
                if (value != null
                        && value.isFloatingPointNumber()
                        && value.doubleValue() == Math.rint(value.doubleValue())
                        && Math.abs(value.doubleValue()) < 1e15) {
                    object.put(bound, value.longValue());
                }
            }
        }
        node.forEach(CrdPostProcessor::writeIntegralBoundsAsIntegers);
    }

    private static void setDescription(ObjectNode node, Class<?> type) {
        JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
        if (description == null) {
            throw new IllegalStateException(
                    type.getName() + " needs @JsonClassDescription: it is what kubectl explain shows");
        }
        // Keep "description" first among the node's fields, as the generator does for properties.
        ObjectNode copy = node.deepCopy();
        node.removeAll();
        node.put("description", description.value());
        node.setAll(copy);
    }

    private static void process(YAMLMapper yaml, Path file) throws IOException, ClassNotFoundException {
        ObjectNode crd = (ObjectNode) yaml.readTree(file.toFile());
        String kind = crd.at("/spec/names/kind").asText();
        Class<?> kindClass = Class.forName(API_PACKAGE + kind);
        describeRootSpecAndStatus(crd, kindClass);
        Class<?> specClass =
                (Class<?>) ((ParameterizedType) kindClass.getGenericSuperclass()).getActualTypeArguments()[0];
        for (JsonNode version : crd.at("/spec/versions")) {
            declareListTypes(version.at("/schema/openAPIV3Schema/properties/spec"), specClass);
        }
        writeIntegralBoundsAsIntegers(crd);
        List<String> declaredOrder = Arrays.stream(kindClass.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name)
                .toList();
        for (JsonNode version : crd.at("/spec/versions")) {
            JsonNode columns = version.get("additionalPrinterColumns");
            if (columns == null) {
                continue;
            }
            List<JsonNode> sorted = new ArrayList<>();
            columns.forEach(sorted::add);
            sorted.sort(Comparator.comparingInt(
                    c -> declaredOrder.indexOf(c.get("name").asText())));
            ArrayNode reordered = ((ObjectNode) version).putArray("additionalPrinterColumns");
            sorted.forEach(reordered::add);
        }
        String header = "# Generated from the Java API types in crds/ (fabric8 CRD generator); do not edit.\n"
                + "# Regenerate and copy into the chart with: ./mvnw -pl crds -Psync-crds process-test-classes\n";
        Files.writeString(file, header + yaml.writeValueAsString(crd));
    }
}
