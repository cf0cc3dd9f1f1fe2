package io.mlforge.admission;

import dev.cel.runtime.CelRuntime;

/**
 * One compiled x-kubernetes-validations rule.
 *
 * @param rule       the CEL expression
 * @param message    the message reported when it evaluates to false
 * @param reason     Kubernetes' field error reason (FieldValueInvalid unless the rule says otherwise)
 * @param fieldPath  the rule's fieldPath, relative to the object it is declared on
 * @param transition whether it refers to oldSelf (then it is evaluated on update only, when an old value exists)
 * @param program    the compiled program
 */
record CelRule(String rule, String message, String reason, String fieldPath, boolean transition, CelRuntime.Program program) {
    /** The field error type the API server reports for the rule's reason. */
    String errorType() {
        return switch (reason == null ? "" : reason) {
            case "FieldValueRequired" -> "Required";
            case "FieldValueForbidden" -> "Forbidden";
            case "FieldValueDuplicate" -> "Duplicate";
            default -> "Invalid";
        };
    }
}
