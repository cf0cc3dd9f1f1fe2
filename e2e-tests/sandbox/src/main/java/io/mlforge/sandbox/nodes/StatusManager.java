package io.mlforge.sandbox.nodes;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The simulated kubelet's status manager: how the status changes of the pods it runs reach the API server. As a real
 * kubelet's status manager, it writes a pod's latest status rather than one write per step: changes made while a
 * write of the same pod is queued or on its way go out together in the next write, in the order they happened, and
 * a pod's writes never overtake each other. The containers do not wait for their status to be written.
 */
final class StatusManager {
    private final Executor writers;
    /** Writes one change to the pod's status (retrying as it must); null when the pod is gone. */
    private final BiFunction<Pod, UnaryOperator<Pod>, Pod> write;
    /** Told when a pod turned out to be gone while its status was being written. */
    private final Consumer<Pod> gone;

    private final Map<String, PodQueue> queues = new ConcurrentHashMap<>();
    /** Milliseconds from seeing a pod bound to its first status written, one entry per tracked pod. */
    private final java.util.Queue<Long> touchDelays = new ConcurrentLinkedQueue<>();

    StatusManager(Executor writers, BiFunction<Pod, UnaryOperator<Pod>, Pod> write, Consumer<Pod> gone) {
        this.writers = writers;
        this.write = write;
        this.gone = gone;
    }

    /** A pod's status changes not written yet, and whether a write of them is queued or running. */
    private static final class PodQueue {
        final Pod pod;
        /** When the pod was seen bound to a node ({@link System#nanoTime}). */
        final long seen;

        boolean touched;
        boolean writing;
        List<UnaryOperator<Pod>> pending = new ArrayList<>();

        PodQueue(Pod pod, long seen) {
            this.pod = pod;
            this.seen = seen;
        }
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + "/"
                + pod.getMetadata().getUid();
    }

    /** The kubelet took the pod on, having seen it bound at {@code seenNanos}. */
    void track(Pod pod, long seenNanos) {
        queues.put(key(pod), new PodQueue(pod, seenNanos));
    }

    /** The pod was deleted. */
    void forget(Pod pod) {
        queues.remove(key(pod));
    }

    /** A change of the pod's status; a pod that is not tracked has it written on its own. */
    void post(Pod pod, UnaryOperator<Pod> change) {
        PodQueue queue = queues.get(key(pod));
        if (queue == null) {
            writers.execute(() -> write.apply(pod, change));
            return;
        }
        boolean start;
        synchronized (queue) {
            queue.pending.add(change);
            start = !queue.writing;
            queue.writing = true;
        }
        if (start) {
            writers.execute(() -> writeQueued(queue));
        }
    }

    /** Every change queued for the pod in one status write; again if more arrived meanwhile. */
    private void writeQueued(PodQueue queue) {
        List<UnaryOperator<Pod>> changes;
        synchronized (queue) {
            changes = queue.pending;
            queue.pending = new ArrayList<>();
        }
        Pod written = write.apply(queue.pod, p -> {
            Pod next = p;
            for (UnaryOperator<Pod> change : changes) {
                next = change.apply(next);
            }
            return next;
        });
        if (written == null) {
            gone.accept(queue.pod);
        } else if (!queue.touched) {
            queue.touched = true;
            touchDelays.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queue.seen));
        }
        boolean again;
        synchronized (queue) {
            again = !queue.pending.isEmpty();
            queue.writing = again;
        }
        if (again) {
            writers.execute(() -> writeQueued(queue));
        }
    }

    /** From seeing each pod bound to its first status written since the last call, in milliseconds, sorted. */
    List<Long> drainTouchDelays() {
        List<Long> delays = new ArrayList<>();
        for (Long d = touchDelays.poll(); d != null; d = touchDelays.poll()) {
            delays.add(d);
        }
        Collections.sort(delays);
        return delays;
    }
}
