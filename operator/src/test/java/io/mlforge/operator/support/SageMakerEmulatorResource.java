package io.mlforge.operator.support;

import io.mlforge.sagemaker.emulator.SageMakerEmulator;
import io.mlforge.sagemaker.emulator.Timing;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;

/** Starts the SageMaker emulator on a free port for a Quarkus test and points the operator's SDK clients at it. */
public class SageMakerEmulatorResource implements QuarkusTestResourceLifecycleManager {
    /** The running emulator (tests change its faults and read its request log). */
    public static volatile SageMakerEmulator emulator;

    @Override
    public Map<String, String> start() {
        try {
            emulator = SageMakerEmulator.start(
                    0,
                    Clock.systemUTC(),
                    Timing.realistic().scaled(0.2),
                    Files.createTempFile("sagemaker-requests", ".jsonl"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // The SDK's default credential chain reads these; the emulator checks that requests are signed.
        System.setProperty("aws.accessKeyId", "sandbox");
        System.setProperty("aws.secretAccessKey", "sandbox-secret");
        return Map.of(
                "mlforge.sagemaker.endpoint-override",
                emulator.endpoint(),
                "mlforge.sagemaker.min-poll-interval",
                "1s",
                "mlforge.sagemaker.max-poll-interval",
                "2s");
    }

    @Override
    public void stop() {
        try {
            emulator.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
