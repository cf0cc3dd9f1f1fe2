package io.mlforge.admission;

/** Builds field paths the way the API server prints them: spec.inputs[1].uri, spec.environment[KEY]. */
final class SchemaPath {
    private SchemaPath() {
    }

    static String child(String parent, String field) {
        return parent.isEmpty() ? field : parent + "." + field;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    static String key(String parent, String key) {
        return parent + "[" + key + "]";
    }

    /** Appends a rule's fieldPath (".a.b") to the path of the object the rule is on. */
    static String withFieldPath(String parent, String fieldPath) {
        if (fieldPath == null || fieldPath.isEmpty()) {
            return parent;
        }
        String relative = fieldPath.startsWith(".") ? fieldPath.substring(1) : fieldPath;
        return child(parent, relative);
    }
}
