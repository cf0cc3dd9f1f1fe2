package io.mlforge.operator.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic names of what MLForge creates. They derive from the resource's name, a short hash of its UID (so a
 * re-created resource of the same name never reuses an old name) and the attempt number, so a restarted operator
 * computes the same names and finds what it already created instead of creating it twice.
 */
public final class ResourceNames {
    /** An attempt's name leaves room for "-<index>" of a pod within Kubernetes' 63-character label limit. */
    public static final int MAX_ATTEMPT_NAME = 52;

    private ResourceNames() {}

    /** The first 6 hex digits of SHA-256 of the UID. */
    public static String shortHash(String uid) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(uid.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code <name>-<uid hash>-<attempt>}, e.g. resnet-finetune-3f9a2c-1: a valid DNS-1035 label (Service name),
     * Kubernetes label value and SageMaker job name, at most {@value #MAX_ATTEMPT_NAME} characters.
     */
    public static String attemptName(String name, String uid, int attempt) {
        String suffix = "-" + shortHash(uid) + "-" + attempt;
        return truncatedLabel(name, MAX_ATTEMPT_NAME - suffix.length()) + suffix;
    }

    /** A lowercase DNS-1035 label made from {@code name}: letters, digits and dashes, starting with a letter. */
    public static String truncatedLabel(String name, int maxLength) {
        String label = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (label.isEmpty() || !Character.isLetter(label.charAt(0))) {
            label = "x" + label;
        }
        if (label.length() > maxLength) {
            label = label.substring(0, maxLength);
        }
        return label.replaceAll("-+$", "");
    }

    /** A label value (at most 63 characters, alphanumeric at both ends). */
    public static String labelValue(String value) {
        String v = value.length() > 63 ? value.substring(0, 63) : value;
        return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }
}
