package io.mlforge.operator.training.sagemaker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.CreateTrainingJobRequest;
import software.amazon.awssdk.services.sagemaker.model.Tag;

/**
 * What SageMaker would reject in a CreateTrainingJob request for its shape, checked before the request is sent (the
 * CRD's schema and CEL rules catch what they can express; these need the mapped request or the SDK's region list).
 * Pure: the request in, the problems out, each naming the spec field to change.
 */
public final class SageMakerPreflight {
    static final int MAX_TAGS = 50;
    private static final Pattern TAG_TEXT = Pattern.compile("^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$");
    private static final Pattern ENV_KEY = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private SageMakerPreflight() {}

    /** Problems of the request for {@code region}; empty when SageMaker would take its shape. */
    public static List<String> problems(String region, CreateTrainingJobRequest request) {
        List<String> problems = new ArrayList<>();
        List<Region> regions = SageMakerClient.serviceMetadata().regions();
        if (regions.stream().noneMatch(r -> r.id().equals(region))) {
            problems.add("region " + region
                    + ": SageMaker is not offered there (sagemaker.region, or the operator's default region)");
        }
        List<Tag> tags = request.hasTags() ? request.tags() : List.of();
        if (tags.size() > MAX_TAGS) {
            problems.add("sagemaker.tags: " + (tags.size() - 4)
                    + " tags plus the operator's 4 (mlforge.io/namespace, name, uid, attempt) exceed"
                    + " SageMaker's limit of " + MAX_TAGS + " per job");
        }
        for (Tag tag : tags) {
            if (tag.key().isEmpty()
                    || tag.key().length() > 128
                    || !TAG_TEXT.matcher(tag.key()).matches()) {
                problems.add(
                        "sagemaker.tags: key '" + tag.key() + "' must be 1 to 128 letters, digits, spaces or _.:/=+-@");
            }
            if (tag.value().length() > 256 || !TAG_TEXT.matcher(tag.value()).matches()) {
                problems.add("sagemaker.tags[" + tag.key()
                        + "]: the value must be at most 256 letters, digits, spaces or _.:/=+-@");
            }
        }
        if (request.hasHyperParameters()) {
            for (String key : request.hyperParameters().keySet()) {
                if (key.length() > 256) {
                    problems.add("hyperParameters: name '" + key.substring(0, 40)
                            + "...' is longer than SageMaker's 256 characters");
                }
            }
        }
        if (request.hasEnvironment()) {
            for (Map.Entry<String, String> e : request.environment().entrySet()) {
                if (e.getKey().length() > 512 || !ENV_KEY.matcher(e.getKey()).matches()) {
                    problems.add("environment: name '" + e.getKey()
                            + "' must match [a-zA-Z_][a-zA-Z0-9_]* (at most 512 characters) for SageMaker");
                }
            }
        }
        return problems;
    }
}
