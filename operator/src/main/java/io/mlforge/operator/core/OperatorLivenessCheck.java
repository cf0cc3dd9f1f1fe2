package io.mlforge.operator.core;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.jboss.logging.Logger;

/**
 * Liveness of this replica: DOWN once one of its informers has not been watching for longer than
 * {@code mlforge.health.watch-loss-limit} (default 5 minutes), so the kubelet restarts a process whose informer stopped
 * for good and would otherwise sit idle forever, believing nothing changes. Shorter losses (an API server restart, an
 * outage of a few minutes) only make the replica unready ({@link OperatorReadinessCheck}); informers reconnect by
 * themselves and the process keeps running. Standby replicas and a replica whose controllers have not started are live.
 */
@ApplicationScoped
@Liveness
public class OperatorLivenessCheck implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(OperatorLivenessCheck.class);
    static final String NAME = "mlforge-informers";

    @Inject
    Operator operator;

    @Inject
    Leadership leadership;

    @Inject
    Clock clock;

    @ConfigProperty(name = "mlforge.health.watch-loss-limit", defaultValue = "5m")
    Duration limit;

    private final WatchLoss loss = new WatchLoss();

    /** Looks every second, so a short healthy spell between two losses is seen, not only the probe's instants. */
    private final java.util.concurrent.ScheduledExecutorService observer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "mlforge-watch-loss");
                thread.setDaemon(true);
                return thread;
            });

    void start(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        observer.scheduleWithFixedDelay(this::observe, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    void stop(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent event) {
        observer.shutdownNow();
    }

    private void observe() {
        try {
            loss.observe(unhealthyNow(), clock.instant());
        } catch (RuntimeException e) {
            LOG.debugf("watch-loss observation failed: %s", e.getMessage());
        }
    }

    private Set<String> unhealthyNow() {
        RuntimeInfo runtime = operator.getRuntimeInfo();
        Set<String> unhealthy = new HashSet<>();
        boolean standby = operator.getConfigurationService()
                        .getLeaderElectionConfiguration()
                        .isPresent()
                && !leadership.isLeading();
        // a standby's informers do not run until it leads: that is not a lost watch
        if (operator.getRegisteredControllersNumber() > 0 && runtime.isStarted() && !standby) {
            runtime.unhealthyEventSources()
                    .forEach((controller, sources) ->
                            sources.keySet().forEach(s -> unhealthy.add(controller + "/" + s)));
        }
        return unhealthy;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        Set<String> unhealthy = unhealthyNow();
        var now = clock.instant();
        loss.observe(unhealthy, now);
        Optional<Map.Entry<String, Duration>> longest = loss.longest(now);
        if (longest.isEmpty()) {
            return response.build();
        }
        Duration unwatched = longest.get().getValue();
        response.withData("unwatched", longest.get().getKey())
                .withData("unwatchedSeconds", unwatched.toSeconds())
                .withData("limitSeconds", limit.toSeconds());
        if (unwatched.compareTo(limit) > 0) {
            LOG.errorf(
                    "informer %s has not been watching for %d s (limit %d s): reporting not live so the process restarts",
                    longest.get().getKey(), unwatched.toSeconds(), limit.toSeconds());
            return response.down().build();
        }
        return response.build();
    }
}
