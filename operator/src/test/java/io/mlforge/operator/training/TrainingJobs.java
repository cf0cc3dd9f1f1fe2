package io.mlforge.operator.training;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.mlforge.api.v1alpha1.TrainingJob;

/** TrainingJobs for tests, written as the YAML users write. */
public final class TrainingJobs {
    private TrainingJobs() {}

    /** A TrainingJob manifest as a user applies it (no UID: the API server assigns one). */
    public static TrainingJob manifest(String name, String specYaml) {
        String yaml = "apiVersion: mlforge.io/v1alpha1\nkind: TrainingJob\nmetadata:\n  name: " + name + "\nspec:\n"
                + specYaml.indent(2);
        return Serialization.unmarshal(yaml, TrainingJob.class);
    }

    /** A TrainingJob in namespace ml with a fixed UID, from the YAML of its spec. */
    public static TrainingJob fromSpec(String name, String specYaml) {
        String yaml = "apiVersion: mlforge.io/v1alpha1\nkind: TrainingJob\nmetadata:\n  name: " + name
                + "\n  namespace: ml\n  uid: 6f1e0a52-5c3e-4b7e-9d0a-1b2c3d4e5f60\n  generation: 1\nspec:\n"
                + specYaml.indent(2);
        return Serialization.unmarshal(yaml, TrainingJob.class);
    }
}
