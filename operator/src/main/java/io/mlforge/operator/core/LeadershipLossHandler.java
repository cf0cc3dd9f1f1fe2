package io.mlforge.operator.core;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * What a replica does when it stops being the leader. Losing the lease while running means another replica may
 * already reconcile, so this one exits with an error and is restarted as a follower. Giving the lease up because
 * the application shuts down is normal and ends with exit code 0 (JOSDK's own handling would exit 1 in both cases).
 */
@Singleton
public class LeadershipLossHandler {
    private static final Logger LOG = Logger.getLogger(LeadershipLossHandler.class);
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        shuttingDown.set(true);
    }

    void onStopLeading() {
        if (shuttingDown.get()) {
            LOG.info("Released the leader lease on shutdown");
            return;
        }
        LOG.error("Lost the leader lease while running; exiting so that this replica restarts as a follower");
        Quarkus.asyncExit(1);
    }

    boolean isShuttingDown() {
        return shuttingDown.get();
    }
}
