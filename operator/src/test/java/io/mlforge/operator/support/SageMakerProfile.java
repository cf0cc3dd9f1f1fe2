package io.mlforge.operator.support;

import io.mlforge.operator.training.TrainingProfile;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** {@link TrainingProfile} plus the SageMaker emulator: one profile (one Quarkus start) for every kind's SageMaker tests. */
public class SageMakerProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return new TrainingProfile().getConfigOverrides();
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(SageMakerEmulatorResource.class));
    }
}
