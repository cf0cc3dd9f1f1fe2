package io.mlforge.sandbox.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusManagerTest {
    private final ExecutorService writers = Executors.newFixedThreadPool(4);

    /** The API server's copy of each pod's status: the steps written so far, as a string. */
    private final Map<String, String> server = new ConcurrentHashMap<>();
    /** The steps each write carried. */
    private final List<String> writes = new CopyOnWriteArrayList<>();

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private volatile CountDownLatch firstWriteHeld = new CountDownLatch(0);
    private final CountDownLatch firstWriteStarted = new CountDownLatch(1);
    private final List<Pod> gone = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    private Pod write(Pod pod, UnaryOperator<Pod> change) {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            firstWriteStarted.countDown();
            firstWriteHeld.await(10, TimeUnit.SECONDS);
            String name = pod.getMetadata().getName();
            if (name.startsWith("deleted")) {
                return null;
            }
            Pod current = withSteps(name, server.getOrDefault(name, ""));
            Pod next = change.apply(current);
            String before = steps(current);
            String after = steps(next);
            writes.add(after.substring(before.length()));
            server.put(name, after);
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private StatusManager manager() {
        return new StatusManager(writers, this::write, gone::add);
    }

    private static Pod withSteps(String name, String steps) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withUid("uid-" + name)
                .addToAnnotations("steps", steps)
                .endMetadata()
                .build();
    }

    private static String steps(Pod pod) {
        return pod.getMetadata().getAnnotations().get("steps");
    }

    private static UnaryOperator<Pod> step(String step) {
        return p -> withSteps(p.getMetadata().getName(), steps(p) + step);
    }

    @Test
    void changesMadeWhileAWriteIsOnItsWayGoOutTogetherInTheNextWriteInOrder() throws Exception {
        StatusManager manager = manager();
        Pod pod = withSteps("trainer-0", "");
        manager.track(pod, System.nanoTime());
        firstWriteHeld = new CountDownLatch(1);

        manager.post(pod, step("s")); // scheduled: written at once, held on its way
        assertThat(firstWriteStarted.await(10, TimeUnit.SECONDS)).isTrue();
        manager.post(pod, step("r")); // running
        manager.post(pod, step("x")); // exited
        firstWriteHeld.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> "srx".equals(server.get("trainer-0")));
        assertThat(writes).containsExactly("s", "rx");
        assertThat(mostInFlight.get()).isEqualTo(1);
        assertThat(manager.drainTouchDelays()).hasSize(1);
        assertThat(manager.drainTouchDelays()).isEmpty();
    }

    @Test
    void aPodsWritesNeverOvertakeEachOtherAndEveryChangeIsWritten() {
        StatusManager manager = manager();
        Pod pod = withSteps("trainer-1", "");
        manager.track(pod, System.nanoTime());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String step = Character.toString('a' + i % 26);
            expected.append(step);
            manager.post(pod, step(step));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> expected.toString().equals(server.get("trainer-1")));
        assertThat(mostInFlight.get()).isEqualTo(1);
        assertThat(String.join("", writes)).isEqualTo(expected.toString());
    }

    @Test
    void aPodNotTakenOnHasEachChangeWrittenOnItsOwn() {
        StatusManager manager = manager();
        Pod pod = withSteps("elsewhere", "");
        manager.post(pod, step("n"));
        await().atMost(Duration.ofSeconds(10)).until(() -> writes.size() == 1);
        manager.post(pod, step("r"));
        await().atMost(Duration.ofSeconds(10)).until(() -> writes.size() == 2);

        assertThat(writes).containsExactly("n", "r");
        assertThat(manager.drainTouchDelays()).isEmpty();
    }

    @Test
    void aPodGoneWhileItsStatusIsWrittenIsReported() {
        StatusManager manager = manager();
        Pod pod = withSteps("deleted-0", "");
        manager.track(pod, System.nanoTime());
        manager.post(pod, step("s"));

        await().atMost(Duration.ofSeconds(10)).until(() -> gone.size() == 1);
        assertThat(gone.get(0).getMetadata().getName()).isEqualTo("deleted-0");
        assertThat(manager.drainTouchDelays()).isEmpty();
    }
}
