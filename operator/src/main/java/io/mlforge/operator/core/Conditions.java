package io.mlforge.operator.core;

import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sets conditions the Kubernetes way: one per type; lastTransitionTime moves only when the status changes, so
 * re-reconciling an unchanged resource produces an identical status (and no write).
 */
public final class Conditions {
    private Conditions() {}

    public static List<Condition> set(
            List<Condition> conditions,
            String type,
            ConditionStatus status,
            String reason,
            String message,
            Long generation,
            Instant now) {
        List<Condition> result = new ArrayList<>(conditions == null ? List.of() : conditions);
        Condition existing = find(result, type);
        String transition =
                existing != null && existing.status == status ? existing.lastTransitionTime : Timestamps.format(now);
        Condition updated = new Condition(type, status, reason, message == null ? "" : message, transition, generation);
        if (existing == null) {
            result.add(updated);
        } else {
            result.set(result.indexOf(existing), updated);
        }
        return result;
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream()
                .filter(c -> Objects.equals(c.type, type))
                .findFirst()
                .orElse(null);
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        Condition c = find(conditions, type);
        return c != null && c.status == ConditionStatus.True;
    }
}
