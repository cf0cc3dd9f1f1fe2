package io.mlforge.operator.core;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * The one reconcile shape of every MLForge controller ({@link ResourceReconciler} runs it): {@link #begin} (the freshest
 * resource, a copy of its status to change, the time, the logging MDC); the backend observes, plans and acts inside
 * {@link #act}, the one place that turns a failed call to an outside system ({@link CallFailures}) into a Throttled or
 * BackendError condition and a retry; then {@link #finish} is the one status and event path: the backend's Events, an
 * Event for a phase change, the observed generation, a status write only when something changed, and the requeue.
 * Deletion goes through {@link #awaitRelease}, which maps failed calls the same way.
 */
@Singleton
public class Reconciliation {
    private static final Logger LOG = Logger.getLogger(Reconciliation.class);
    static final String MDC_KEY = "resource";
    /** How soon deletion looks again while the cloud resource is being released, and after a failed call. */
    static final Duration RELEASE_POLL = Duration.ofSeconds(5);

    static final Duration RELEASE_RETRY = Duration.ofSeconds(15);
    /** How soon a reconcile whose call failed looks again when the failure does not say. */
    static final Duration CALL_RETRY = Duration.ofSeconds(60);

    @Inject
    StatusWriter statusWriter;

    @Inject
    EventRecorder events;

    @Inject
    KubernetesClient client;

    @Inject
    StatusChanges statusChanges = new StatusChanges();

    @Inject
    Clock clock;

    Iterable<? extends CallFailures> failures = List.of();

    @Inject
    void failures(@Any Instance<CallFailures> all) {
        this.failures = all;
    }

    /** One reconcile of one resource: the status as stored, the copy the reconcile changes, and the time it runs at. */
    public static final class Scope<R extends CustomResource<?, S>, S> {
        private R resource;
        private S stored;
        /** {@link #stored} as JSON: the copy to change is made from it and compared with it, serialising once. */
        private String storedJson;

        private final S status;
        private final Instant now;
        private final StatusModel<S> model;
        private final S initial;
        private final Outcome outcome = new Outcome();

        Scope(R resource, S stored, String storedJson, S status, Instant now, StatusModel<S> model) {
            this.resource = resource;
            this.stored = stored;
            this.storedJson = storedJson;
            this.initial = stored;
            this.status = status;
            this.now = now;
            this.model = model;
        }

        public R resource() {
            return resource;
        }

        /** The status to change (a copy; the stored one is never touched). */
        public S status() {
            return status;
        }

        /** The status as it was when the reconcile began. */
        public S initial() {
            return initial;
        }

        public Instant now() {
            return now;
        }

        /** The Events and requeue the reconcile asks for, kept even if a call fails half way. */
        public Outcome outcome() {
            return outcome;
        }
    }

    public <R extends CustomResource<?, S>, S> Scope<R, S> begin(R cached, StatusModel<S> model) {
        MDC.put(
                MDC_KEY,
                cached.getMetadata().getNamespace() + "/" + cached.getMetadata().getName());
        R resource = statusWriter.fresh(cached);
        S stored = resource.getStatus();
        String storedJson = json(stored);
        S status = stored == null ? model.empty() : copy(storedJson, stored);
        return new Scope<>(resource, stored, storedJson, status, clock.instant(), model);
    }

    /**
     * Writes the status now if it changed: for a step that must be stored before what follows it (a search records the
     * names of new trials before it creates them, so a crash in between never creates one twice).
     */
    public <R extends CustomResource<?, S>, S> void writeNow(Scope<R, S> scope) {
        scope.model.observe(scope.status, scope.resource.getMetadata().getGeneration());
        scope.model.capMessage(scope.status);
        String json = json(scope.status);
        if (!Objects.equals(scope.storedJson, json)) {
            scope.resource.setStatus(scope.status);
            R written = statusWriter.write(scope.resource);
            scope.resource
                    .getMetadata()
                    .setResourceVersion(written.getMetadata().getResourceVersion());
            // What was written, as JSON: the write stamps progress conditions onto the status it sends.
            scope.storedJson = json(scope.status);
            scope.stored = copy(scope.storedJson, scope.status);
            scope.resource.setStatus(scope.stored);
            statusChanges.changed(scope.resource);
        }
    }

    /**
     * Runs the backend's step. A failed call to an outside system sets Throttled or BackendError (a Warning Event the
     * first time) and looks again later, keeping what the step changed before the call; a step that ran through turns
     * both False again. Other exceptions propagate to JOSDK's retry.
     */
    public <R extends CustomResource<?, S>, S> void act(Scope<R, S> scope, Runnable step) {
        StatusModel<S> model = scope.model;
        Long generation = scope.resource.getMetadata().getGeneration();
        try {
            step.run();
        } catch (RuntimeException e) {
            CallFailures.Failure failure = classify(e).orElseThrow(() -> e);
            String type = failure.throttled() ? Condition.THROTTLED : Condition.BACKEND_ERROR;
            List<Condition> conditions = model.conditions(scope.status);
            if (!Conditions.isTrue(conditions, type)) {
                scope.outcome.warning(
                        failure.throttled() ? EventReason.THROTTLED : EventReason.BACKEND_ERROR, failure.message());
            }
            LOG.warnf("%s; retrying", failure.message());
            model.setConditions(
                    scope.status,
                    Conditions.set(
                            conditions,
                            type,
                            ConditionStatus.True,
                            failure.reason(),
                            failure.message(),
                            generation,
                            scope.now));
            scope.outcome.requeueAfter(Objects.requireNonNullElse(failure.retryAfter(), CALL_RETRY));
            return;
        }
        List<Condition> conditions = model.conditions(scope.status);
        for (String type : new String[] {Condition.THROTTLED, Condition.BACKEND_ERROR}) {
            if (Conditions.isTrue(conditions, type)) {
                conditions = Conditions.set(
                        conditions,
                        type,
                        ConditionStatus.False,
                        "Answering",
                        "calls are answered again",
                        generation,
                        scope.now);
            }
        }
        model.setConditions(scope.status, conditions);
    }

    private Optional<CallFailures.Failure> classify(RuntimeException e) {
        for (CallFailures kind : failures) {
            Optional<CallFailures.Failure> failure = kind.classify(e);
            if (failure.isPresent()) {
                return failure;
            }
        }
        return Optional.empty();
    }

    /** The one status and event path; ends the reconcile. */
    public <R extends CustomResource<?, S>, S> UpdateControl<R> finish(Scope<R, S> scope) {
        Outcome outcome = scope.outcome;
        try {
            R resource = scope.resource;
            for (Outcome.EventNote note : outcome.events()) {
                if (note.warning()) {
                    events.warning(resource, note.reason(), note.message());
                } else {
                    events.normal(resource, note.reason(), note.message());
                }
            }
            StatusModel<S> model = scope.model;
            Enum<?> previous = scope.initial == null ? null : model.phase(scope.initial);
            Enum<?> phase = model.phase(scope.status);
            if (phase != null && phase != previous) {
                String message = Objects.requireNonNullElse(model.message(scope.status), phase.name());
                if (model.announces(phase)) {
                    events.phaseChanged(resource, phase, model.failed(scope.status), message);
                    LOG.infof("phase %s -> %s: %s", previous, phase, message);
                } else {
                    LOG.debugf("phase %s -> %s: %s", previous, phase, message);
                }
            }
            writeNow(scope);
            UpdateControl<R> control = UpdateControl.noUpdate();
            outcome.requeueDelay(clock.instant()).ifPresent(control::rescheduleAfter);
            return control;
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    /**
     * Before a resource with a finalizer goes: {@code release} asks the backend to stop or delete what the resource
     * made (true once it is gone or left running as the deletion policy says). Empty when released; otherwise how soon
     * to look again, with the finalizer kept: soon while the backend works, later after a failed call (an AWS SDK error
     * or our client-side rate limiter alike), with an Event either way.
     */
    public Optional<Duration> awaitRelease(
            CustomResource<?, ?> resource,
            BooleanSupplier release,
            EventReason waitingReason,
            String waitingMessage,
            String failureMessage) {
        MDC.put(
                MDC_KEY,
                resource.getMetadata().getNamespace() + "/"
                        + resource.getMetadata().getName());
        try {
            if (release.getAsBoolean()) {
                return Optional.empty();
            }
            events.normal(resource, waitingReason, waitingMessage);
            return Optional.of(RELEASE_POLL);
        } catch (RuntimeException e) {
            CallFailures.Failure failure = classify(e).orElseThrow(() -> e);
            LOG.warnf("deleting: %s: %s; retrying", failureMessage, failure.message());
            events.warning(resource, EventReason.BACKEND_ERROR, failureMessage + ": " + e.getMessage());
            return Optional.of(RELEASE_RETRY);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    @SuppressWarnings("unchecked")
    private <S> S copy(String json, S like) {
        return (S) client.getKubernetesSerialization().unmarshal(json, like.getClass());
    }

    private String json(Object status) {
        return status == null ? null : client.getKubernetesSerialization().asJson(status);
    }
}
