package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.mlforge.sagemaker.emulator.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The recorder's path to the API server (fabric8's mock server over HTTP): Events created, counted and combined. */
@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {
    KubernetesClient client;

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    final EventRecorder recorder = new EventRecorder();
    HasMetadata object;

    @BeforeEach
    void wire() {
        recorder.client = client;
        recorder.clock = clock;
        object = client.configMaps()
                .inNamespace("ml")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("job")
                        .withNamespace("ml")
                        .endMetadata()
                        .build())
                .create();
    }

    private List<Event> events() throws InterruptedException {
        assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();
        return client.v1().events().inNamespace("ml").list().getItems().stream()
                .sorted(Comparator.comparing(e -> e.getFirstTimestamp()))
                .toList();
    }

    @Test
    void aRepeatedEventIsOneEventWithACountAndTheLastTime() throws Exception {
        recorder.normal(object, EventReason.STOPPING, "waiting for SageMaker to stop the job");
        events(); // the first is created before the repeats are counted on it
        clock.advance(Duration.ofSeconds(5));
        recorder.normal(object, EventReason.STOPPING, "waiting for SageMaker to stop the job");
        events();
        clock.advance(Duration.ofSeconds(5));
        recorder.normal(object, EventReason.STOPPING, "waiting for SageMaker to stop the job");

        List<Event> events = events();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getCount()).isEqualTo(3);
            assertThat(e.getReason()).isEqualTo("Stopping");
            assertThat(e.getFirstTimestamp()).isEqualTo("2026-12-01T10:00:00Z");
            assertThat(e.getLastTimestamp()).isEqualTo("2026-12-01T10:00:10Z");
            assertThat(e.getInvolvedObject().getUid())
                    .isEqualTo(object.getMetadata().getUid());
            assertThat(e.getSource().getComponent()).isEqualTo(EventRecorder.COMPONENT);
        });
    }

    @Test
    void differentMessagesAreDifferentEventsUntilTheyAreCombined() throws Exception {
        for (int i = 1; i <= 12; i++) {
            recorder.warning(object, EventReason.BACKEND_ERROR, "call failed: attempt " + i);
            events();
            clock.advance(Duration.ofSeconds(1));
        }
        List<Event> events = events();
        assertThat(events).hasSize(10);
        Event combined = events.get(9);
        assertThat(combined.getMessage()).isEqualTo("(combined from similar events): call failed: attempt 12");
        assertThat(combined.getCount()).isEqualTo(3);
        assertThat(combined.getType()).isEqualTo("Warning");
    }

    @Test
    void aCountedEventThatExpiredIsCreatedAgain() throws Exception {
        recorder.normal(object, EventReason.STOPPING, "waiting");
        Event first = events().get(0);
        client.v1()
                .events()
                .inNamespace("ml")
                .withName(first.getMetadata().getName())
                .delete(); // the event TTL
        clock.advance(Duration.ofSeconds(5));
        recorder.normal(object, EventReason.STOPPING, "waiting");
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.getMetadata().getName())
                    .isNotEqualTo(first.getMetadata().getName());
            assertThat(e.getCount()).isEqualTo(1);
        });
    }
}
