package io.mlforge.sandbox.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlforge.sandbox.OperatorProcess.ThreadCpu;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorThreadsTest {
    private static ThreadCpu thread(String name, long millis) {
        return new ThreadCpu(name, Duration.ofMillis(millis));
    }

    @Test
    void groupsWhatEachThreadUsedInThePhaseByWhatItDoes() {
        Map<Long, ThreadCpu> before = Map.of(
                7L, thread("C2 CompilerThre", 5_000),
                20L, thread("VM Thread", 1_000),
                22L, thread("vert.x-eventloo", 2_000),
                48L, thread("pool-10-thread-", 100),
                30L, thread("main", 1_600));
        Map<Long, ThreadCpu> after = Map.of(
                7L, thread("C2 CompilerThre", 9_000), // 4 s in the phase
                8L, thread("C1 CompilerThre", 500), // started in the phase
                20L, thread("VM Thread", 3_500),
                22L, thread("vert.x-eventloo", 12_000),
                // JOSDK names its executor's thread after the controller while it reconciles
                48L, thread("ReconcilerExecu", 2_100),
                49L, thread("pool-10-thread-", 1_000),
                34L, thread("-348209600-pool", 500),
                // a ten-digit negative hash: the name /proc keeps ends before "pool"
                35L, thread("-1234567890-poo", 200),
                60L, thread("mlforge-event-s", 300),
                30L, thread("main", 1_600));

        Map<String, Double> seconds = OperatorThreads.seconds(before, after, 25.0);

        assertThat(seconds)
                .containsEntry("jit_compilers", 4.5)
                .containsEntry("garbage_collector", 2.5)
                .containsEntry("event_loops", 10.0)
                .containsEntry("reconciles", 3.0)
                .containsEntry("client_executor", 0.7)
                .containsEntry("event_posting", 0.3)
                // 25 s for the process: the 4 s the groups miss (main used none; threads that ended)
                .containsEntry("other", 4.0);
        assertThat(seconds.keySet())
                .as("every group, in the table's order, then the rest")
                .containsExactly(
                        "jit_compilers",
                        "garbage_collector",
                        "event_loops",
                        "reconciles",
                        "client_executor",
                        "event_posting",
                        "other");
    }
}
