package io.mlforge.operator.serving.sagemaker;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mlforge.api.v1alpha1.Condition;
import io.mlforge.api.v1alpha1.ConditionStatus;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.api.v1alpha1.FailedUpdate;
import io.mlforge.api.v1alpha1.ModelSpec;
import io.mlforge.api.v1alpha1.ResourceDeletionPolicy;
import io.mlforge.api.v1alpha1.SageMakerEndpointStatus;
import io.mlforge.api.v1alpha1.Variant;
import io.mlforge.api.v1alpha1.VariantStatus;
import io.mlforge.operator.aws.ApplicationAutoScalingService;
import io.mlforge.operator.aws.AwsCallFailures;
import io.mlforge.operator.aws.SageMakerHostingService;
import io.mlforge.operator.aws.SageMakerSettings;
import io.mlforge.operator.aws.SageMakerTarget;
import io.mlforge.operator.core.Conditions;
import io.mlforge.operator.core.EventReason;
import io.mlforge.operator.core.Outcome;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.ResourceBackend.ReleaseNotes;
import io.mlforge.operator.core.Timestamps;
import io.mlforge.operator.serving.EndpointBackend;
import io.mlforge.operator.serving.ServingStatus;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.DesiredWeightAndCapacity;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;

/**
 * One Endpoint on SageMaker: Models and an EndpointConfig with content-hash names ({@link SageMakerEndpointPlan}),
 * created once (known names are not created again, so re-applying an unchanged spec writes nothing), the endpoint
 * created or rolled to the planned config with UpdateEndpoint (blue/green per spec.deployment) only while SageMaker
 * says InService. An update SageMaker rolls back leaves the previous config serving and sets UpdateFailed with the
 * service's reason; that config is not retried until the spec changes. After a successful update the previous
 * config and models no longer used are deleted. The endpoint changed or deleted outside MLForge is put back.
 * Describes back off from 10 s while it changes to 5 min while it is stable.
 */
@Singleton
public class SageMakerEndpointBackend implements EndpointBackend {
    static final Duration STABLE_MAX = Duration.ofMinutes(5);

    @Inject
    SageMakerHostingService service;

    @Inject
    SageMakerSettings settings;

    @Inject
    ApplicationAutoScalingService autoscaling;

    /** Autoscaling last applied per endpoint (UID → plan); after a restart it is applied once more (upserts). */
    private final Map<String, String> appliedScaling = new ConcurrentHashMap<>();

    private final Map<String, Duration> intervals = new ConcurrentHashMap<>();

    /** Shapes of endpoint configs by name, as DescribeEndpointConfig gave them (immutable on SageMaker). */
    private final Map<String, WeightsAndCapacitiesPlan.Shape> servedShapes = new ConcurrentHashMap<>();

    /** Ready's reason while weights or instance counts change in place. */
    static final String IN_PLACE_UPDATE = "UpdatingWeightsAndCapacities";

    SageMakerTarget target(Endpoint endpoint) {
        var sm = endpoint.getSpec().sagemaker;
        return new SageMakerTarget(sm.region == null ? settings.defaultRegion() : sm.region, sm.assumeRoleArn);
    }

    @Override
    public void reconcile(
            Reconciliation.Scope<Endpoint, EndpointStatus> scope,
            Context<Endpoint> context,
            Map<String, ModelSpec> models) {
        reconcile(scope.resource(), scope.status(), models, scope.now(), scope.outcome());
    }

    /** One step: changes {@code status}; the outcome holds its Events and when to look again. */
    public Outcome reconcile(
            Endpoint endpoint, EndpointStatus status, Map<String, ModelSpec> models, Instant now, Outcome outcome) {
        outcome.requeueAfter(step(endpoint, status, models, now, outcome));
        return outcome;
    }

    private Duration step(
            Endpoint endpoint, EndpointStatus status, Map<String, ModelSpec> models, Instant now, Outcome events) {
        Long generation = endpoint.getMetadata().getGeneration();
        SageMakerTarget target = target(endpoint);
        SageMakerEndpointPlan.Plan plan = SageMakerEndpointPlan.plan(endpoint, models);
        String planned = plan.endpointConfig().endpointConfigName();
        if (status.sagemaker == null || status.sagemaker.endpointName == null) {
            status.sagemaker = new SageMakerEndpointStatus();
            status.sagemaker.endpointName = plan.endpointName();
            status.sagemaker.region = target.region();
            status.sagemaker.invocationUrl = "https://runtime.sagemaker." + target.region()
                    + ".amazonaws.com/endpoints/" + plan.endpointName() + "/invocations";
            phase(
                    status,
                    EndpointPhase.Creating,
                    "Creating",
                    "creating SageMaker endpoint " + plan.endpointName(),
                    generation,
                    now);
            return Duration.ZERO; // the name is recorded before anything is created
        }
        SageMakerEndpointStatus sm = status.sagemaker;
        status.url = sm.invocationUrl;
        var described = service.describeEndpoint(target, sm.endpointName);
        boolean failedBefore = failedUpdateIs(status, planned);
        if (described.isEmpty()) {
            if (failedBefore) {
                phase(status, EndpointPhase.Failed, "Rejected", status.failedUpdate.message, generation, now);
                return STABLE_MAX; // SageMaker rejected this spec: not retried until it changes
            }
            if (recordIntent(plan, sm)) {
                return Duration.ZERO; // the names are stored before anything is created
            }
            try {
                ensureConfig(target, plan, sm);
            } catch (AwsServiceException e) {
                if (!AwsCallFailures.rejected(e)) {
                    throw e;
                }
                failed(
                        status,
                        planned,
                        "SageMaker rejected the request: " + AwsCallFailures.errorMessage(e),
                        generation,
                        now,
                        events);
                phase(status, EndpointPhase.Failed, "Rejected", status.failedUpdate.message, generation, now);
                return STABLE_MAX;
            }
            if (sm.endpointArn != null) {
                events.warning(
                        EventReason.DRIFT_REPAIRED,
                        "SageMaker endpoint " + sm.endpointName + " was deleted outside MLForge; creating it again");
            }
            sm.endpointArn = service.createEndpoint(
                    target, sm.endpointName, planned, plan.endpointConfig().tags());
            sm.pendingEndpointConfigName = planned;
            sm.endpointStatus = "Creating";
            phase(
                    status,
                    EndpointPhase.Creating,
                    "Creating",
                    "SageMaker is creating endpoint " + sm.endpointName + " with " + planned,
                    generation,
                    now);
            return settings.minPollInterval();
        }
        DescribeEndpointResponse d = described.get();
        sm.endpointArn = d.endpointArn();
        sm.endpointStatus = d.endpointStatusAsString();
        variants(endpoint, status, d);
        software.amazon.awssdk.services.sagemaker.model.EndpointStatus state = d.endpointStatus() == null
                ? software.amazon.awssdk.services.sagemaker.model.EndpointStatus.UNKNOWN_TO_SDK_VERSION
                : d.endpointStatus();
        switch (state) {
            case CREATING, UPDATING, SYSTEM_UPDATING, ROLLING_BACK, DELETING, UPDATE_ROLLBACK_FAILED -> {
                EndpointPhase phase = switch (state) {
                    case CREATING -> EndpointPhase.Creating;
                    case ROLLING_BACK, UPDATE_ROLLBACK_FAILED -> EndpointPhase.RollingBack;
                    case DELETING -> EndpointPhase.Deleting;
                    default -> EndpointPhase.Updating;
                };
                boolean inPlace = state == software.amazon.awssdk.services.sagemaker.model.EndpointStatus.UPDATING
                        && sm.pendingEndpointConfigName == null
                        && weightsOrCapacitiesChanging(d);
                phase(
                        status,
                        phase,
                        inPlace ? IN_PLACE_UPDATE : sm.endpointStatus,
                        "SageMaker endpoint " + sm.endpointName + " is " + sm.endpointStatus
                                + (sm.pendingEndpointConfigName == null
                                        ? inPlace ? " (weights and instance counts, in place)" : ""
                                        : " (to " + sm.pendingEndpointConfigName + ")"),
                        generation,
                        now);
                return settings.minPollInterval();
            }
            case FAILED -> {
                String reason = d.failureReason();
                if (!planned.equals(d.endpointConfigName()) && !failedBefore) {
                    // a failed endpoint cannot be updated: delete it, the next step creates it with the new config
                    service.deleteEndpoint(target, sm.endpointName);
                    phase(
                            status,
                            EndpointPhase.Deleting,
                            "RecreatingFailedEndpoint",
                            "deleting failed endpoint " + sm.endpointName + " to create it with " + planned,
                            generation,
                            now);
                    return settings.minPollInterval();
                }
                failed(status, d.endpointConfigName(), reason, generation, now, events);
                phase(
                        status,
                        EndpointPhase.Failed,
                        "EndpointFailed",
                        "SageMaker endpoint " + sm.endpointName + " failed: " + reason,
                        generation,
                        now);
                return STABLE_MAX;
            }
            default -> {
                // InService
            }
        }
        String serving = d.endpointConfigName();
        String pending = sm.pendingEndpointConfigName;
        String previous = sm.endpointConfigName;
        if (pending != null && !pending.equals(serving)) {
            // the update (or creation) to `pending` did not take: SageMaker rolled back to `serving`
            failed(status, pending, d.failureReason(), generation, now, events);
            sm.pendingEndpointConfigName = null;
        }
        sm.endpointConfigName = serving;
        if (pending != null && pending.equals(serving)) {
            sm.pendingEndpointConfigName = null;
            status.lastUpdateTime = Timestamps.format(now);
            status.failedUpdate = null;
            status.conditions = Conditions.set(
                    status.conditions,
                    EndpointStatus.UPDATE_FAILED,
                    ConditionStatus.False,
                    "UpdateSucceeded",
                    serving + " is in service",
                    generation,
                    now);
            if (previous != null && !previous.equals(serving)) {
                collect(target, previous, sm.modelNames, plan, sm);
                events.normal(
                        EventReason.UPDATED,
                        "SageMaker endpoint " + sm.endpointName + " now serves " + serving + "; " + previous
                                + " deleted");
            }
        }
        // Only weights or instance counts differ from the config in service: changed in place, no second fleet.
        boolean sameShape = planned.equals(serving) || sameShape(target, serving, plan);
        if (sameShape && !failedUpdateIs(status, planned)) {
            List<DesiredWeightAndCapacity> changes = d.hasProductionVariants()
                    ? WeightsAndCapacitiesPlan.next(endpoint, d.productionVariants())
                    : List.of();
            if (!changes.isEmpty()) {
                String what = WeightsAndCapacitiesPlan.describe(changes);
                try {
                    service.updateEndpointWeightsAndCapacities(target, sm.endpointName, changes);
                } catch (AwsServiceException e) {
                    if (!AwsCallFailures.rejected(e)) {
                        throw e;
                    }
                    return refused(
                            status,
                            planned,
                            serving,
                            "SageMaker rejected UpdateEndpointWeightsAndCapacities (" + what + "): "
                                    + AwsCallFailures.errorMessage(e),
                            generation,
                            now,
                            events);
                }
                desired(status, changes);
                intervals.remove(endpoint.getMetadata().getUid());
                phase(
                        status,
                        EndpointPhase.Updating,
                        IN_PLACE_UPDATE,
                        "changing SageMaker endpoint " + sm.endpointName + " in place (" + what + ") on the " + serving
                                + " instances",
                        generation,
                        now);
                events.normal(
                        EventReason.UPDATING, "UpdateEndpointWeightsAndCapacities " + sm.endpointName + ": " + what);
                return settings.minPollInterval();
            }
            Condition ready = Conditions.find(status.conditions, Condition.READY);
            if (ready != null && IN_PLACE_UPDATE.equals(ready.reason)) {
                status.lastUpdateTime = Timestamps.format(now);
                status.failedUpdate = null;
                status.conditions = Conditions.set(
                        status.conditions,
                        EndpointStatus.UPDATE_FAILED,
                        ConditionStatus.False,
                        "UpdateSucceeded",
                        "weights and instance counts of " + serving + " are the spec's",
                        generation,
                        now);
                events.normal(
                        EventReason.UPDATED,
                        "SageMaker endpoint " + sm.endpointName + " serves with the spec's weights and instance counts"
                                + " (changed in place on " + serving + ")");
            }
        }
        if (!sameShape && !(failedUpdateIs(status, planned))) {
            if (previous != null && !Objects.equals(previous, serving) && pending == null) {
                events.warning(
                        EventReason.DRIFT_REPAIRED,
                        "SageMaker endpoint " + sm.endpointName + " was switched to " + serving
                                + " outside MLForge; rolling it back to the spec");
            }
            if (recordIntent(plan, sm)) {
                return Duration.ZERO; // the names are stored before anything is created
            }
            try {
                ensureConfig(target, plan, sm);
                service.updateEndpoint(target, sm.endpointName, planned, plan.deployment());
            } catch (AwsServiceException e) {
                if (!AwsCallFailures.rejected(e)) {
                    throw e;
                }
                return refused(
                        status,
                        planned,
                        serving,
                        "SageMaker rejected the request: " + AwsCallFailures.errorMessage(e),
                        generation,
                        now,
                        events);
            }
            sm.pendingEndpointConfigName = planned;
            intervals.remove(endpoint.getMetadata().getUid());
            phase(
                    status,
                    EndpointPhase.Updating,
                    "Updating",
                    "rolling SageMaker endpoint " + sm.endpointName + " from " + serving + " to "
                            + planned + " ("
                            + (endpoint.getSpec().deployment == null || endpoint.getSpec().deployment.strategy == null
                                    ? "AllAtOnce"
                                    : endpoint.getSpec().deployment.strategy)
                            + ")",
                    generation,
                    now);
            events.normal(EventReason.UPDATING, "UpdateEndpoint " + sm.endpointName + " to " + planned);
            return settings.minPollInterval();
        }
        sm.modelNames = plan.modelNameByVariant().values().stream().distinct().toList();
        if (sameShape) {
            collectUnused(target, sm);
        }
        status.servingSpecHash = hashOf(sameShape && !failedUpdateIs(status, planned) ? planned : serving);
        scale(endpoint, target, sm.endpointName, events);
        String message = status.failedUpdate != null
                ? "in service with " + serving + "; the update to spec " + status.failedUpdate.specHash
                        + " failed and is not retried until the spec changes"
                : "in service with " + serving;
        phase(
                status,
                EndpointPhase.InService,
                status.failedUpdate != null ? "UpdateFailed" : "InService",
                message,
                generation,
                now);
        Duration last = intervals.getOrDefault(endpoint.getMetadata().getUid(), settings.minPollInterval());
        Duration next = Duration.ofMillis(Math.min(STABLE_MAX.toMillis(), last.toMillis() * 2));
        intervals.put(endpoint.getMetadata().getUid(), next);
        return next;
    }

    /**
     * Whether the config in service differs from the planned one only in initial weights and instance counts; the
     * config is described once per name (configs never change on SageMaker).
     */
    private boolean sameShape(SageMakerTarget target, String serving, SageMakerEndpointPlan.Plan plan) {
        if (serving == null) {
            return false;
        }
        WeightsAndCapacitiesPlan.Shape shape = servedShapes.get(serving);
        if (shape == null) {
            var described = service.describeEndpointConfig(target, serving);
            if (described.isEmpty()) {
                return false;
            }
            shape = WeightsAndCapacitiesPlan.shape(described.get());
            servedShapes.put(serving, shape);
        }
        return shape.equals(WeightsAndCapacitiesPlan.shape(plan.endpointConfig()));
    }

    private static boolean weightsOrCapacitiesChanging(DescribeEndpointResponse d) {
        return d.hasProductionVariants()
                && d.productionVariants().stream()
                        .anyMatch(v -> !Objects.equals(v.currentWeight(), v.desiredWeight())
                                || (v.desiredInstanceCount() != null
                                        && !Objects.equals(v.currentInstanceCount(), v.desiredInstanceCount())));
    }

    /** Shows what was asked at once; DescribeEndpoint reports it from the next poll on. */
    private static void desired(EndpointStatus status, List<DesiredWeightAndCapacity> changes) {
        if (status.variants == null) {
            return;
        }
        for (DesiredWeightAndCapacity c : changes) {
            for (VariantStatus v : status.variants) {
                if (v.name.equals(c.variantName())) {
                    if (c.desiredWeight() != null) {
                        v.desiredWeight = Double.parseDouble(c.desiredWeight().toString());
                    }
                    if (c.desiredInstanceCount() != null) {
                        v.desiredInstances = c.desiredInstanceCount();
                    }
                }
            }
        }
    }

    /**
     * Registers each autoscaled variant with Application Auto Scaling and puts its target-tracking policy, and removes
     * the scalable targets of variants that no longer autoscale; only when the autoscaling spec changed.
     */
    private void scale(Endpoint endpoint, SageMakerTarget target, String endpointName, Outcome events) {
        List<EndpointAutoscalingPlan.VariantScaling> plan = EndpointAutoscalingPlan.plan(endpoint, endpointName);
        String key = plan.stream()
                .map(v -> v.target().toString() + v.policy().toString())
                .toList()
                .toString();
        String uid = endpoint.getMetadata().getUid();
        String previous = appliedScaling.get(uid);
        if (key.equals(previous)) {
            return;
        }
        Set<String> scaled = new HashSet<>();
        for (EndpointAutoscalingPlan.VariantScaling v : plan) {
            autoscaling.registerScalableTarget(target, v.target());
            autoscaling.putScalingPolicy(target, v.policy());
            scaled.add(v.resourceId());
        }
        if (previous != null) {
            for (Variant v : endpoint.getSpec().variants) {
                String id = EndpointAutoscalingPlan.resourceId(endpointName, v.name);
                if (!scaled.contains(id) && previous.contains(id)) {
                    autoscaling.deregisterScalableTarget(target, id);
                }
            }
        }
        appliedScaling.put(uid, key);
        if (!plan.isEmpty()) {
            events.normal(
                    EventReason.AUTOSCALING_APPLIED,
                    plan.size() + " variant(s) scale on "
                            + plan.stream()
                                    .map(v -> v.policy()
                                            .targetTrackingScalingPolicyConfiguration()
                                            .predefinedMetricSpecification()
                                            .predefinedMetricTypeAsString())
                                    .distinct()
                                    .collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    /**
     * Adds the planned model and config names to {@code createdNames} unless they are there; true when it did, and the
     * status must be written before they are created.
     */
    static boolean recordIntent(SageMakerEndpointPlan.Plan plan, SageMakerEndpointStatus sm) {
        List<String> names = new ArrayList<>();
        plan.models().forEach(m -> names.add(m.modelName()));
        names.add(plan.endpointConfig().endpointConfigName());
        List<String> created = sm.createdNames == null ? new ArrayList<>() : new ArrayList<>(sm.createdNames);
        if (created.containsAll(names)) {
            return false;
        }
        names.stream().filter(n -> !created.contains(n)).forEach(created::add);
        sm.createdNames = created;
        return true;
    }

    /**
     * Deletes the models and configs MLForge created that the config in service does not use: left by a spec replaced
     * before its rollout started, or by an operator that stopped between creating them and recording the rollout.
     */
    private void collectUnused(SageMakerTarget target, SageMakerEndpointStatus sm) {
        if (sm.createdNames == null) {
            return;
        }
        Set<String> inUse = new HashSet<>(sm.modelNames == null ? List.of() : sm.modelNames);
        inUse.add(sm.endpointConfigName);
        List<String> unused =
                sm.createdNames.stream().filter(n -> !inUse.contains(n)).toList();
        if (unused.isEmpty()) {
            return;
        }
        deleteCreated(target, unused);
        sm.createdNames = sm.createdNames.stream().filter(inUse::contains).toList();
    }

    /**
     * Deletes models and configs by name, not knowing which is which: each name as a config first, then each as a
     * model (deleting a name SageMaker does not have is a no-op), so no model goes while a config still names it.
     */
    private void deleteCreated(SageMakerTarget target, List<String> names) {
        names.forEach(servedShapes::remove);
        names.forEach(name -> service.deleteEndpointConfig(target, name));
        names.forEach(name -> service.deleteModel(target, name));
    }

    /** Creates the planned models and config unless SageMaker has them (their names are content hashes). */
    private void ensureConfig(SageMakerTarget target, SageMakerEndpointPlan.Plan plan, SageMakerEndpointStatus sm) {
        for (var model : plan.models()) {
            service.createModel(target, model);
        }
        service.createEndpointConfig(target, plan.endpointConfig());
    }

    /** Deletes the config no longer in service and the models it used that the plan no longer uses. */
    private void collect(
            SageMakerTarget target,
            String oldConfig,
            List<String> oldModels,
            SageMakerEndpointPlan.Plan plan,
            SageMakerEndpointStatus sm) {
        service.deleteEndpointConfig(target, oldConfig);
        servedShapes.remove(oldConfig);
        Set<String> inUse = new HashSet<>(plan.modelNameByVariant().values());
        Set<String> deleted = new HashSet<>(Set.of(oldConfig));
        for (String m : oldModels == null ? List.<String>of() : oldModels) {
            if (!inUse.contains(m)) {
                service.deleteModel(target, m);
                deleted.add(m);
            }
        }
        if (sm.createdNames != null) {
            sm.createdNames =
                    sm.createdNames.stream().filter(n -> !deleted.contains(n)).toList();
        }
    }

    /** The content hash at the end of a config name. */
    static String hashOf(String configName) {
        return configName.substring(configName.lastIndexOf('-') + 1);
    }

    private static boolean failedUpdateIs(EndpointStatus status, String configName) {
        return status.failedUpdate != null && hashOf(configName).equals(status.failedUpdate.specHash);
    }

    /** SageMaker refused an update: the config in service keeps serving; this spec is not retried until it changes. */
    private static Duration refused(
            EndpointStatus status,
            String planned,
            String serving,
            String reason,
            Long generation,
            Instant now,
            Outcome events) {
        failed(status, planned, reason, generation, now, events);
        phase(
                status,
                EndpointPhase.InService,
                "UpdateFailed",
                "in service with " + serving + "; " + status.failedUpdate.message,
                generation,
                now);
        return STABLE_MAX;
    }

    private static void failed(
            EndpointStatus status, String config, String reason, Long generation, Instant now, Outcome events) {
        boolean known = failedUpdateIs(status, config);
        FailedUpdate f = new FailedUpdate();
        f.specHash = hashOf(config);
        f.generation = generation;
        f.reason = reason == null ? "SageMaker did not put the new configuration in service" : reason;
        f.time = known ? status.failedUpdate.time : Timestamps.format(now);
        String message = "the update to " + config + " (generation " + generation
                + ") failed; the previous version keeps serving: " + f.reason;
        f.message = message;
        status.failedUpdate = f;
        status.conditions = Conditions.set(
                status.conditions,
                EndpointStatus.UPDATE_FAILED,
                ConditionStatus.True,
                "UpdateRolledBack",
                message,
                generation,
                now);
        if (!known) {
            events.warning(EventReason.UPDATE_FAILED, message);
        }
    }

    private static void variants(Endpoint endpoint, EndpointStatus status, DescribeEndpointResponse d) {
        if (!d.hasProductionVariants()) {
            return;
        }
        List<VariantStatus> variants = new ArrayList<>();
        int ready = 0;
        for (ProductionVariantSummary v : d.productionVariants()) {
            VariantStatus s = new VariantStatus();
            s.name = v.variantName();
            // SageMaker's weights are floats: 0.8f is reported as 0.8, not 0.800000011920929
            s.currentWeight = v.currentWeight() == null
                    ? null
                    : Double.parseDouble(v.currentWeight().toString());
            s.desiredWeight = v.desiredWeight() == null
                    ? null
                    : Double.parseDouble(v.desiredWeight().toString());
            s.readyInstances = v.currentInstanceCount();
            s.desiredInstances = v.desiredInstanceCount();
            if (v.currentServerlessConfig() != null
                    || (v.currentInstanceCount() != null && v.currentInstanceCount() > 0)) {
                ready++;
            }
            variants.add(s);
        }
        status.variants = variants;
        status.readyVariants = ready + "/" + endpoint.getSpec().variants.size();
    }

    static void phase(
            EndpointStatus status, EndpointPhase phase, String reason, String message, Long generation, Instant now) {
        ServingStatus.phase(status, phase, reason, message, generation, now);
    }

    @Override
    public ReleaseNotes releaseNotes() {
        return RELEASE;
    }

    private static final ReleaseNotes RELEASE = new ReleaseNotes(
            EventReason.DELETING,
            "waiting for SageMaker to delete the endpoint before its config and models",
            "cannot delete the SageMaker endpoint yet",
            "SageMaker endpoint, config and models deleted or retained (deletionPolicy)");

    /**
     * Deletion: policy Delete (default) deletes the endpoint, then, once SageMaker has removed it, its config and
     * models; Retain leaves them. Returns true when the resource may go.
     */
    @Override
    public boolean release(Endpoint endpoint) {
        EndpointStatus status = endpoint.getStatus();
        intervals.remove(endpoint.getMetadata().getUid());
        if (status == null
                || status.sagemaker == null
                || status.sagemaker.endpointName == null
                || endpoint.getSpec().deletionPolicy == ResourceDeletionPolicy.Retain) {
            return true;
        }
        SageMakerTarget target = target(endpoint);
        SageMakerEndpointStatus sm = status.sagemaker;
        appliedScaling.remove(endpoint.getMetadata().getUid());
        var d = service.describeEndpoint(target, sm.endpointName);
        if (d.isPresent()) {
            if (d.get().endpointStatus() != software.amazon.awssdk.services.sagemaker.model.EndpointStatus.DELETING) {
                for (var v : EndpointAutoscalingPlan.plan(endpoint, sm.endpointName)) {
                    autoscaling.deregisterScalableTarget(target, v.resourceId());
                }
                service.deleteEndpoint(target, sm.endpointName);
            }
            return false;
        }
        for (String config : new String[] {sm.endpointConfigName, sm.pendingEndpointConfigName}) {
            if (config != null) {
                service.deleteEndpointConfig(target, config);
            }
        }
        for (String model : sm.modelNames == null ? List.<String>of() : sm.modelNames) {
            service.deleteModel(target, model);
        }
        deleteCreated(target, sm.createdNames == null ? List.of() : sm.createdNames);
        return true;
    }
}
