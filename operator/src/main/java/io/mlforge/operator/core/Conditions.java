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

    /**
     * Longest message kept in a condition or a status message: API errors can quote a user's value in full (a 1 MB
     * string in a toleration key came back in the Pod's 422), and a status that large cannot be written (413).
     */
    public static final int MAX_MESSAGE = 2048;

    /** {@code message} cut to {@link #MAX_MESSAGE} characters, saying how long it was. */
    public static String capped(String message) {
        if (message == null || message.length() <= MAX_MESSAGE) {
            return message;
        }
        String suffix = "... (" + message.length() + " characters, cut)";
        return message.substring(0, MAX_MESSAGE - suffix.length()) + suffix;
    }

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
        Condition updated =
                new Condition(type, status, reason, message == null ? "" : capped(message), transition, generation);
        if (existing == null) {
            result.add(updated);
        } else {
            result.set(result.indexOf(existing), updated);
        }
        return result;
    }

    /** {@code conditions} without the one of {@code type} (the same list if there is none). */
    public static List<Condition> remove(List<Condition> conditions, String type) {
        if (find(conditions, type) == null) {
            return conditions;
        }
        List<Condition> result = new ArrayList<>(conditions);
        result.removeIf(c -> Objects.equals(c.type, type));
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
