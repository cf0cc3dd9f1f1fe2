package io.mlforge.operator.core;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * This replica's part in leader election, fed by the lease callbacks. Losing the lease while running means another
 * replica may already reconcile, so this one exits with an error and is restarted as a standby. Giving the lease up
 * because the application shuts down is normal and ends with exit code 0 (JOSDK's own handling would exit 1 in both
 * cases).
 */
@Singleton
public class Leadership {
    private static final Logger LOG = Logger.getLogger(Leadership.class);
    private final AtomicBoolean leading = new AtomicBoolean();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        shuttingDown.set(true);
    }

    void onStartLeading() {
        leading.set(true);
        LOG.info("Acquired the leader lease; reconciling");
    }

    void onStopLeading() {
        leading.set(false);
        if (shuttingDown.get()) {
            LOG.info("Released the leader lease on shutdown");
            return;
        }
        LOG.error("Lost the leader lease while running; exiting so that this replica restarts as a standby");
        Quarkus.asyncExit(1);
    }

    /** Whether this replica holds the lease (meaningful only with leader election on). */
    public boolean isLeading() {
        return leading.get();
    }
}
