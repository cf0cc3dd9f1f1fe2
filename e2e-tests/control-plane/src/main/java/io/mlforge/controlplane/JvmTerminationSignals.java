package io.mlforge.controlplane;

import java.util.List;
import sun.misc.Signal;

/**
 * Gives SIGTERM and SIGINT back to the JVM after a {@code helm install} through helm-java.
 *
 * <p>helm-java's install runs in a Go shared library that calls Go's {@code signal.Notify} for SIGINT, SIGTERM and
 * SIGQUIT and never stops (manusa/helm-java#409, still so in 0.0.21). From then on the Go runtime's handlers take
 * those signals in place of the JVM's: Ctrl-C no longer stops the sandbox, a benchmark sent SIGTERM keeps running and
 * no shutdown hook runs, so the control plane's processes outlive it until their watchdogs notice. Registering a
 * handler through {@link Signal} puts the JVM's own native handler back; the handler does what the JDK's default one
 * does ({@code java.lang.Terminator}): exit with 128 + the signal's number, running the shutdown hooks. SIGQUIT stays
 * with Go: the JVM lets nobody re-register it, so {@code jstack} cannot attach to a JVM that has installed a chart.
 */
public final class JvmTerminationSignals {
    private JvmTerminationSignals() {}

    /** Handles SIGTERM and SIGINT in the JVM again (exit 143 and 130, after the shutdown hooks). */
    public static void restore() {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), signal -> System.exit(128 + signal.getNumber()));
            } catch (IllegalArgumentException e) {
                // -Xrs: the JVM leaves these signals to the application's native code; nothing to restore
            }
        }
    }
}
