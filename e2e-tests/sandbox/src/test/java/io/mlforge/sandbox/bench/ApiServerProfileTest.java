package io.mlforge.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.mlforge.controlplane.ControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kube-apiserver's CPU by part, from its own profiler, as the TrainingJob benchmark puts it next to each phase. */
class ApiServerProfileTest {
    @TempDir
    Path workDir;

    @Test
    void readsPprofsFocusedSecondsAndTotal() {
        String focused = """
                Type: cpu
                Duration: 80.30s, Total samples = 56990ms (70.97%)
                Active filters:
                   focus=^runtime\\.gcBgMarkWorker$
                Showing nodes accounting for 8590ms, 15.07% of 56990ms total
                      flat  flat%   sum%        cum   cum%
                """;
        String nothing = """
                Duration: 80.30s, Total samples = 56990ms (70.97%)
                Active filters:
                   focus=nothingmatchesthis
                Showing nodes accounting for 0, 0% of 56990ms total
                """;
        assertThat(ApiServerProfile.focusedMillis(focused)).isEqualTo(8590);
        assertThat(ApiServerProfile.focusedMillis(nothing)).isZero();
        assertThat(ApiServerProfile.totalMillis(nothing)).isEqualTo(56990);
        assertThat(ApiServerProfile.totalMillis("Duration: 1s, Total samples = 120ms (12%)"))
                .isEqualTo(120);
    }

    @Test
    void profilesTheRealApiServerWhileClientsCreateObjects() throws Exception {
        try (ControlPlane controlPlane = ControlPlane.start(ControlPlane.Options.in(workDir));
                KubernetesClient client = controlPlane.adminClient()) {
            // the real TrainingJob CRD (CEL rules, a 76 kB schema) and a sample: its status writes run the CRD's rules
            CustomResourceDefinition crd = load(
                    client,
                    "helm/mlforge-operator/crds/trainingjobs.mlforge.io-v1.yml",
                    CustomResourceDefinition.class);
            ControlPlane.applyCrd(client, crd);
            ControlPlane.awaitEstablished(client, "trainingjobs.mlforge.io");
            // from the CRD itself: Established comes before discovery lists the kind, which the client would look up
            var trainingJobs = client.genericKubernetesResources(CustomResourceDefinitionContext.fromCrd(crd))
                    .inNamespace("default");
            GenericKubernetesResource sample =
                    load(client, "config/samples/trainingjob-single-gpu.yaml", GenericKubernetesResource.class);
            ApiServerProfile profile = ApiServerProfile.start(controlPlane, Duration.ofSeconds(1));
            long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            List<Thread> writers = new ArrayList<>();
            List<GenericKubernetesResource> written = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                // two threads create ConfigMaps, two write a TrainingJob's status over and over
                Thread writer = new Thread(() -> {
                    if (thread < 2) {
                        for (int i = 0; System.nanoTime() < end; i++) {
                            client.configMaps()
                                    .inNamespace("default")
                                    .resource(new ConfigMapBuilder()
                                            .withNewMetadata()
                                            .withName("load-" + thread + "-" + i)
                                            .endMetadata()
                                            .addToData("value", "x".repeat(1000))
                                            .build())
                                    .create();
                        }
                        return;
                    }
                    GenericKubernetesResource job =
                            client.getKubernetesSerialization().clone(sample);
                    job.getMetadata().setName("job-" + thread);
                    job = trainingJobs.resource(job).create();
                    for (int i = 0; System.nanoTime() < end; i++) {
                        job.setAdditionalProperty("status", Map.of("phase", "Pending", "message", "write " + i));
                        job = trainingJobs.resource(job).updateStatus();
                    }
                    written.add(job);
                });
                writer.start();
                writers.add(writer);
            }
            for (Thread writer : writers) {
                writer.join();
            }
            Map<String, Double> seconds = profile.finish();

            assertThat(seconds.keySet())
                    .as("every part, and what the profiler saw in all")
                    .contains("profiled")
                    .containsAll(ApiServerProfile.PARTS.stream()
                            .map(ApiServerProfile.Part::name)
                            .toList());
            assertThat(seconds.get("profiled")).isPositive();
            assertThat(seconds.get("creates"))
                    .as("three seconds of creates from four threads")
                    .isPositive()
                    .isLessThanOrEqualTo(seconds.get("profiled"));
            assertThat(seconds.get("custom_resource_status_writes"))
                    .as("three seconds of a TrainingJob's status writes")
                    .isPositive();
            assertThat(seconds.get("cel_validation"))
                    .as("the CRD's rules run on status writes")
                    .isPositive();
            assertThat(seconds.get("custom_resource_requests"))
                    .as("all requests for custom resources include their status writes")
                    .isGreaterThanOrEqualTo(seconds.get("custom_resource_status_writes"));
            assertThat(seconds.get("pod_status_writes"))
                    .as("no pod was written")
                    .isZero();
            assertThat(written)
                    .as("both jobs' status written")
                    .hasSize(2)
                    .allSatisfy(job ->
                            assertThat((Object) job.get("status", "message")).isNotNull());
            assertThat(workDir.resolve("apiserver-profiles/apiserver-cpu.pb.gz"))
                    .as("the merged profile, for go tool pprof")
                    .satisfies(f -> assertThat(Files.size(f)).isPositive());
        }
    }

    private static final Path REPO = Path.of(System.getProperty("mlforge.repo.root", "../.."));

    private static <T> T load(KubernetesClient client, String file, Class<T> type) throws java.io.IOException {
        try (var in = Files.newInputStream(REPO.resolve(file))) {
            return client.getKubernetesSerialization().unmarshal(in, type);
        }
    }
}
