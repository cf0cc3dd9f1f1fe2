package io.mlforge.sandbox.bench;

import io.mlforge.sandbox.OperatorProcess.ThreadCpu;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The operator's CPU in a phase by what its threads do, from the CPU each thread used: the JVM's own work (JIT
 * compilers, garbage collection) apart from the operator's (HTTP and watch decoding on Vert.x's event loops, reconciles
 * on JOSDK's executor, informer events handed to the handlers on the client's executor, Event posting). Threads are
 * told apart by the names the JVM, Vert.x, JOSDK and fabric8 give them, as Linux keeps them (15 characters).
 */
final class OperatorThreads {
    private OperatorThreads() {}

    /** A group of threads: its figure name, what it does, and the thread names it covers. */
    record Group(String name, String description, Pattern threadName) {}

    static final List<Group> GROUPS = List.of(
            new Group("jit_compilers", "JIT", Pattern.compile("C[12] CompilerThre.*")),
            new Group(
                    "garbage_collector",
                    "GC",
                    // the serial collector runs in the VM thread, at safepoints; others have GC threads
                    Pattern.compile("VM Thread|GC Thread.*|G1 .*")),
            new Group("event_loops", "HTTP and watch decoding", Pattern.compile("vert\\.x-eventloo.*")),
            // JOSDK's executor: it names a thread after the controller while the thread reconciles
            new Group("reconciles", "reconciles", Pattern.compile("pool-\\d+-thread-.*|ReconcilerExecu.*")),
            // the fabric8 client's executor ("<class>-<identity hash>-pool-N-thread-M", the class's simple name empty
            // here): informers hand their events to the handlers (JOSDK's event sources) there. /proc keeps 15
            // characters, so a ten-digit negative hash leaves "-2147483648-poo"
            new Group("client_executor", "client executor", Pattern.compile("-?\\d+-(p.*)?")),
            new Group("event_posting", "Events", Pattern.compile("mlforge-event-s.*")));

    /**
     * Seconds of CPU each group's threads used between {@code before} and {@code after} (by thread id; a thread
     * missing from {@code before} started in between), and {@code other}: the rest of {@code totalSeconds}, the
     * process's own figure, which includes threads that ended in between.
     */
    static Map<String, Double> seconds(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after, double totalSeconds) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        GROUPS.forEach(g -> seconds.put(g.name(), 0.0));
        double grouped = 0;
        for (Map.Entry<Long, ThreadCpu> thread : after.entrySet()) {
            ThreadCpu earlier = before.get(thread.getKey());
            double used = (thread.getValue().cpu().toMillis()
                            - (earlier == null ? 0 : earlier.cpu().toMillis()))
                    / 1000.0;
            for (Group group : GROUPS) {
                if (group.threadName().matcher(thread.getValue().name()).matches()) {
                    seconds.merge(group.name(), used, Double::sum);
                    grouped += used;
                    break;
                }
            }
        }
        seconds.replaceAll((name, s) -> Bench.round(s));
        seconds.put("other", Bench.round(Math.max(0, totalSeconds - grouped)));
        return seconds;
    }
}
