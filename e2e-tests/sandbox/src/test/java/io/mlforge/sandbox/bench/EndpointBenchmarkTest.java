package io.mlforge.sandbox.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EndpointBenchmarkTest {
    @Test
    void theFloorCreatesEveryServiceTheOperatorMadeEachAfterItsDeployment() {
        var deployments = IntStream.range(0, 3)
                .mapToObj(i -> new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("d" + i)
                        .endMetadata()
                        .build())
                .toList();
        var services = IntStream.range(0, 6)
                .mapToObj(i -> new ServiceBuilder()
                        .withNewMetadata()
                        .withName("s" + i)
                        .endMetadata()
                        .build())
                .toList();

        assertEquals(
                List.of("d0", "s0", "s1", "d1", "s2", "s3", "d2", "s4", "s5"),
                names(EndpointBenchmark.interleaved(deployments, services)));
        assertEquals(
                List.of("d0", "s0", "d1", "s1", "d2", "s2"),
                names(EndpointBenchmark.interleaved(deployments, services.subList(0, 3))));
        assertEquals(
                List.of("d0", "s0", "s1", "d1", "s2", "s3", "d2"),
                names(EndpointBenchmark.interleaved(deployments, services.subList(0, 4))));
        assertEquals(List.of("d0", "d1", "d2"), names(EndpointBenchmark.interleaved(deployments, List.of())));
    }

    private static List<String> names(List<HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getName()).toList();
    }
}
