package io.mlforge.operator.serving.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.mlforge.api.v1alpha1.Endpoint;
import io.mlforge.api.v1alpha1.EndpointPhase;
import io.mlforge.api.v1alpha1.EndpointStatus;
import io.mlforge.api.v1alpha1.ModelSpec;
import io.mlforge.api.v1alpha1.Variant;
import io.mlforge.api.v1alpha1.VariantStatus;
import io.mlforge.operator.core.ClusterSettings;
import io.mlforge.operator.core.EventReason;
import io.mlforge.operator.core.Outcome;
import io.mlforge.operator.core.Reconciliation;
import io.mlforge.operator.core.ResourceBackend.ReleaseNotes;
import io.mlforge.operator.core.ResourceNames;
import io.mlforge.operator.dataagent.DataAgentSettings;
import io.mlforge.operator.serving.EndpointBackend;
import io.mlforge.operator.serving.ServingStatus;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One Endpoint in the cluster: applies {@link ServingPlanner}'s objects (an object is written only when its desired
 * content changed: the hash of what the operator wants rides along in an annotation, so the API server's defaults
 * never cause an update), removes those of variants that went away, and reports readiness and weights from the
 * Deployments in the informer's cache. With {@code mlforge.serving.gateway-name} set and the Gateway API installed, an
 * HTTPRoute on that Gateway splits requests by the spec's weights; without, requests to the endpoint's Service spread
 * over all ready pods, so the effective weight of a variant is its share of ready replicas
 * (status.variants[].currentWeight).
 *
 * <p>Why not JOSDK's dependent resources: the set of objects varies with the spec (per variant a Deployment and a
 * Service, an HPA only for autoscaled variants, an HTTPRoute only with a Gateway), which needs bulk dependents with a
 * discriminator per variant, and their default matching compares live and desired objects field by field, where the
 * replica count belongs to the HPA and the API server adds defaults; the desired-hash annotation decides that in one
 * comparison and is tested (EndpointE2ETest: re-applying writes nothing; ChartRbacE2ETest: the verbs used). The
 * training pods are not dependents either: they are created once per attempt and never updated, a lifecycle
 * ({@code AttemptLifecycle}) that dependents do not model.
 */
@Singleton
public class KubernetesEndpointBackend implements EndpointBackend {
    static final String DESIRED_HASH = "mlforge.io/desired-hash";

    @Inject
    KubernetesClient client;

    @Inject
    DataAgentSettings dataAgent;

    @Inject
    ClusterSettings cluster;

    @Inject
    io.mlforge.operator.serving.ServingSettings serving;

    private final ServedApi gatewayApi = new ServedApi("gateway.networking.k8s.io/v1", "HTTPRoute");
    private final ServedApi kedaApi = new ServedApi("keda.sh/v1alpha1", "ScaledObject");

    /** Whether the cluster serves a kind, from API discovery, asked again after the discovery interval. */
    private final class ServedApi {
        private final String apiVersion;
        private final String kind;
        private volatile Boolean served;
        private volatile Instant checkedAt = Instant.EPOCH;

        ServedApi(String apiVersion, String kind) {
            this.apiVersion = apiVersion;
            this.kind = kind;
        }

        boolean served(Instant now) {
            if (served == null || now.isAfter(checkedAt.plus(serving.apiDiscoveryInterval()))) {
                try {
                    served = client.supports(apiVersion, kind);
                } catch (RuntimeException e) {
                    served = false;
                }
                checkedAt = now;
            }
            return served;
        }

        /** Whether it was served when last asked (no request). */
        boolean lastKnown() {
            return Boolean.TRUE.equals(served);
        }
    }

    /** Whether the cluster serves the Gateway API's HTTPRoute. */
    boolean gatewayApiInstalled(Instant now) {
        return gatewayApi.served(now);
    }

    /** What scales variants on request targets: KEDA when configured so, or (auto) when the cluster serves it. */
    VariantAutoscaling.Scaler requestScaler(Endpoint endpoint, Instant now) {
        boolean needed = endpoint.getSpec().variants.stream().anyMatch(VariantAutoscaling::onRequests);
        return switch (serving.requestAutoscaler()) {
            case keda -> VariantAutoscaling.Scaler.KEDA;
            case hpa -> VariantAutoscaling.Scaler.HPA;
            // asked only for Endpoints that scale on requests; others keep what was last known (for pruning)
            case auto ->
                (needed ? kedaApi.served(now) : kedaApi.lastKnown())
                        ? VariantAutoscaling.Scaler.KEDA
                        : VariantAutoscaling.Scaler.HPA;
        };
    }

    @Override
    public void reconcile(
            Reconciliation.Scope<Endpoint, EndpointStatus> scope,
            Context<Endpoint> context,
            Map<String, ModelSpec> models) {
        Cached cached = new Cached(
                context.getSecondaryResourcesAsStream(Deployment.class).toList(),
                context.getSecondaryResourcesAsStream(Service.class).toList(),
                context.getSecondaryResourcesAsStream(HorizontalPodAutoscaler.class)
                        .toList());
        scope.outcome()
                .requeueAfter(apply(scope.resource(), scope.status(), models, cached, scope.now(), scope.outcome()));
    }

    /** The endpoint's serving objects in the informers' caches. */
    record Cached(List<Deployment> deployments, List<Service> services, List<HorizontalPodAutoscaler> autoscalers) {
        /** The cached object of {@code desired}'s kind and name, or null. */
        HasMetadata find(HasMetadata desired) {
            List<? extends HasMetadata> ofKind =
                    desired instanceof Deployment ? deployments : desired instanceof Service ? services : autoscalers;
            return ofKind.stream()
                    .filter(o -> o.getMetadata()
                            .getName()
                            .equals(desired.getMetadata().getName()))
                    .findFirst()
                    .orElse(null);
        }
    }

    /**
     * One step. {@code cached}: the endpoint's objects from the informers, for what only reads them (readiness,
     * variants and autoscalers that went away) and to skip objects whose cached copy already carries the desired
     * content; any other object is compared against the API server's copy, which includes this operator's own latest
     * write (the cache may not yet).
     */
    private Duration apply(
            Endpoint endpoint,
            EndpointStatus status,
            Map<String, ModelSpec> models,
            Cached cached,
            Instant now,
            Outcome events) {
        ServingPlanner.Desired desired = ServingPlanner.plan(
                endpoint,
                models,
                new ServingPlanner.Settings(
                        dataAgent.image(),
                        cluster.gpuResourceName(),
                        dataAgent.s3Endpoint(),
                        dataAgent.s3PathStyle(),
                        requestScaler(endpoint, now),
                        serving.prometheusAddress(),
                        serving.modelCacheHostPath()));
        String ns = endpoint.getMetadata().getNamespace();
        boolean changed = false;
        for (Deployment d : desired.deployments()) {
            changed |= apply(d, Deployment.class, cached);
        }
        for (Service s : desired.services()) {
            changed |= apply(s, Service.class, cached);
        }
        for (HorizontalPodAutoscaler h : desired.autoscalers()) {
            changed |= apply(h, HorizontalPodAutoscaler.class, cached);
        }
        for (GenericKubernetesResource scaledObject : desired.scaledObjects()) {
            changed |= applyGeneric(scaledObject, VariantAutoscaling.SCALED_OBJECT);
        }
        boolean routed = serving.gatewayName().isPresent() && gatewayApiInstalled(now);
        if (routed) {
            var route = ServingPlanner.httpRoute(
                    endpoint,
                    serving.gatewayName().get(),
                    serving.gatewayNamespace().orElse(null));
            changed |= applyGeneric(route, HTTP_ROUTE);
        }
        Set<String> wanted = desired.deployments().stream()
                .map(d -> d.getMetadata().getName())
                .collect(Collectors.toSet());
        for (Deployment d : cached.deployments()) {
            if (!wanted.contains(d.getMetadata().getName())) {
                client.resource(d).delete();
                client.services()
                        .inNamespace(ns)
                        .withName(d.getMetadata().getName())
                        .delete();
                client.autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace(ns)
                        .withName(d.getMetadata().getName())
                        .delete();
                events.normal(EventReason.VARIANT_REMOVED, d.getMetadata().getName() + " removed");
            }
        }
        Set<String> autoscaled = desired.autoscalers().stream()
                .map(h -> h.getMetadata().getName())
                .collect(Collectors.toSet());
        for (HorizontalPodAutoscaler h : cached.autoscalers()) {
            if (!autoscaled.contains(h.getMetadata().getName())) {
                client.resource(h).delete();
            }
        }
        pruneScaledObjects(cached.deployments(), desired.scaledObjects());
        return report(endpoint, status, cached.deployments(), changed, routed, requestScaling(endpoint, desired), now);
    }

    private static final ResourceDefinitionContext HTTP_ROUTE = new ResourceDefinitionContext.Builder()
            .withGroup("gateway.networking.k8s.io")
            .withVersion("v1")
            .withKind("HTTPRoute")
            .withPlural("httproutes")
            .withNamespaced(true)
            .build();

    /**
     * Creates or replaces an object of a kind this operator has no informer for (HTTPRoute, ScaledObject): read from
     * the API server and compared by the desired hash. Written with strict field validation, so a field the installed
     * CRD's schema does not know is an error rather than silently dropped.
     */
    private boolean applyGeneric(GenericKubernetesResource desired, ResourceDefinitionContext kind) {
        String hash = ServingPlanner.hash(client.getKubernetesSerialization().asJson(desired));
        desired.getMetadata().getAnnotations().put(DESIRED_HASH, hash);
        var resources = client.genericKubernetesResources(kind)
                .inNamespace(desired.getMetadata().getNamespace());
        var existing = resources.withName(desired.getMetadata().getName()).get();
        if (existing == null) {
            resources
                    .resource(desired)
                    .fieldValidation(FieldValidateable.Validation.STRICT)
                    .create();
            return true;
        }
        if (hash.equals(desiredHash(existing))) {
            return false;
        }
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        resources
                .resource(desired)
                .fieldValidation(FieldValidateable.Validation.STRICT)
                .update();
        return true;
    }

    /**
     * Deletes the ScaledObjects the Endpoint no longer wants (a variant removed or moved off request targets, KEDA
     * turned off): those of cached Deployments marked as scaled by KEDA, so no list is needed.
     */
    private void pruneScaledObjects(List<Deployment> cached, List<GenericKubernetesResource> wanted) {
        Set<String> names = wanted.stream().map(o -> o.getMetadata().getName()).collect(Collectors.toSet());
        for (Deployment d : cached) {
            var annotations = d.getMetadata().getAnnotations();
            if (annotations != null
                    && ServingPlanner.AUTOSCALED_BY_KEDA.equals(annotations.get(ServingPlanner.AUTOSCALED))
                    && !names.contains(d.getMetadata().getName())) {
                client.genericKubernetesResources(VariantAutoscaling.SCALED_OBJECT)
                        .inNamespace(d.getMetadata().getNamespace())
                        .withName(d.getMetadata().getName())
                        .delete();
            }
        }
    }

    /**
     * Creates the object, or replaces it when the operator's desired content changed; returns whether it wrote. A
     * cached copy with the desired hash settles it without a request; an object missing from the cache is created
     * straight away.
     */
    private <T extends HasMetadata> boolean apply(T desired, Class<T> type, Cached cached) {
        String hash = ServingPlanner.hash(client.getKubernetesSerialization().asJson(desired));
        desired.getMetadata().getAnnotations().put(DESIRED_HASH, hash);
        HasMetadata cachedCopy = cached.find(desired);
        if (hash.equals(desiredHash(cachedCopy))) {
            return false;
        }
        if (cachedCopy == null) {
            // Not in the cache: most likely it does not exist yet, so create it without asking first; it exists
            // when the cache has not caught up with an earlier create (409), then compare with the server's copy.
            try {
                client.resource(desired).create();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        T existing = client.resources(type)
                .inNamespace(desired.getMetadata().getNamespace())
                .withName(desired.getMetadata().getName())
                .get();
        if (existing == null) {
            client.resource(desired).create();
            return true;
        }
        if (hash.equals(desiredHash(existing))) {
            return false;
        }
        if (desired instanceof Deployment d
                && existing instanceof Deployment e
                && d.getMetadata().getAnnotations().containsKey(ServingPlanner.AUTOSCALED)) {
            d.getSpec().setReplicas(e.getSpec().getReplicas()); // the autoscaler owns the replica count
        }
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        client.resource(desired).update();
        return true;
    }

    private static String desiredHash(HasMetadata object) {
        return object == null || object.getMetadata().getAnnotations() == null
                ? null
                : object.getMetadata().getAnnotations().get(DESIRED_HASH);
    }

    private Duration report(
            Endpoint endpoint,
            EndpointStatus status,
            List<Deployment> cached,
            boolean changed,
            boolean routed,
            String requestScaling,
            Instant now) {
        Long generation = endpoint.getMetadata().getGeneration();
        String ns = endpoint.getMetadata().getNamespace();
        List<VariantStatus> variants = new ArrayList<>();
        int readyVariants = 0;
        int totalReady = 0;
        boolean rolling = changed;
        List<String> podsRefused = new ArrayList<>();
        double weightSum = endpoint.getSpec().variants.stream()
                .mapToDouble(v -> v.weight == null ? 1.0 : v.weight)
                .sum();
        for (Variant v : endpoint.getSpec().variants) {
            String name = ServingPlanner.variantName(endpoint, v.name);
            Deployment d = cached.stream()
                    .filter(c -> name.equals(c.getMetadata().getName()))
                    .findFirst()
                    .orElse(null);
            VariantStatus s = new VariantStatus();
            s.name = v.name;
            s.desiredWeight = Math.round((v.weight == null ? 1.0 : v.weight) / weightSum * 1000) / 1000.0;
            s.desiredInstances = d == null || d.getSpec().getReplicas() == null
                    ? v.instanceCount
                    : d.getSpec().getReplicas();
            s.readyInstances =
                    d == null || d.getStatus() == null || d.getStatus().getReadyReplicas() == null
                            ? 0
                            : d.getStatus().getReadyReplicas();
            boolean current = d != null
                    && d.getStatus() != null
                    && d.getStatus().getObservedGeneration() != null
                    && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration()
                    && (d.getStatus().getUpdatedReplicas() == null
                            || s.desiredInstances == null
                            || d.getStatus().getUpdatedReplicas() >= s.desiredInstances);
            rolling |= !current;
            String refused = replicaFailure(d);
            if (refused != null) {
                podsRefused.add("variant " + v.name + ": " + refused);
            }
            if (s.readyInstances > 0 && s.desiredInstances != null && s.readyInstances >= s.desiredInstances) {
                readyVariants++;
            }
            totalReady += s.readyInstances;
            variants.add(s);
        }
        for (VariantStatus s : variants) {
            // with an HTTPRoute the gateway splits by the route's weights; without, the Service spreads over ready pods
            s.currentWeight = routed
                    ? (s.readyInstances > 0 ? s.desiredWeight : 0.0)
                    : totalReady == 0 ? 0.0 : Math.round((double) s.readyInstances / totalReady * 1000) / 1000.0;
        }
        status.variants = variants;
        status.readyVariants = readyVariants + "/" + variants.size();
        String service = ResourceNames.truncatedLabel(endpoint.getMetadata().getName(), 63);
        status.url = "http://" + service + "." + ns + ".svc:" + ServingPlanner.port(endpoint) + "/invocations";
        boolean allReady = readyVariants == variants.size();
        EndpointPhase phase = allReady && !rolling
                ? EndpointPhase.InService
                : status.phase == null || status.phase == EndpointPhase.Creating
                        ? EndpointPhase.Creating
                        : EndpointPhase.Updating;
        String message = switch (phase) {
            case InService ->
                readyVariants + " of " + variants.size() + " variants ready at " + status.url
                        + (routed
                                ? "; weighted through HTTPRoute on Gateway "
                                        + serving.gatewayName().get()
                                : "")
                        + requestScaling;
            case Creating -> "waiting for " + (variants.size() - readyVariants) + " variant(s) to become ready";
            default -> "rolling out the new spec; ready pods keep serving";
        };
        String reason = phase.name();
        if (phase != EndpointPhase.InService && !podsRefused.isEmpty()) {
            // e.g. the namespace's Pod Security level or a ResourceQuota: the Deployment exists, its pods cannot
            reason = "PodCreationFailed";
            message = "the API server refuses the pods of " + String.join("; ", podsRefused);
        }
        ServingStatus.phase(status, phase, reason, message, generation, now);
        return phase == EndpointPhase.InService ? Duration.ofMinutes(10) : Duration.ofSeconds(5);
    }

    /** For the Ready message: what scales the variants that scale on requests, or "". */
    private static String requestScaling(Endpoint endpoint, ServingPlanner.Desired desired) {
        List<String> onRequests = endpoint.getSpec().variants.stream()
                .filter(VariantAutoscaling::onRequests)
                .map(v -> v.name)
                .toList();
        if (onRequests.isEmpty()) {
            return "";
        }
        return "; " + String.join(", ", onRequests) + " scaled on requests by "
                + (desired.scaledObjects().isEmpty()
                        ? "HorizontalPodAutoscaler on the custom metrics " + VariantAutoscaling.IN_FLIGHT + " / "
                                + VariantAutoscaling.REQUESTS_PER_SECOND + " (needs a metrics adapter)"
                        : "KEDA ScaledObject");
    }

    /** The message of a Deployment's ReplicaFailure condition (its ReplicaSet cannot create pods), or null. */
    static String replicaFailure(Deployment d) {
        if (d == null || d.getStatus() == null || d.getStatus().getConditions() == null) {
            return null;
        }
        return d.getStatus().getConditions().stream()
                .filter(c -> "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus()))
                .map(c -> c.getMessage() == null ? c.getReason() : c.getMessage())
                .findFirst()
                .orElse(null);
    }

    @Override
    public ReleaseNotes releaseNotes() {
        return RELEASE;
    }

    private static final ReleaseNotes RELEASE = new ReleaseNotes(
            EventReason.DELETING,
            "waiting for the serving objects to go",
            "cannot delete the serving objects yet",
            "Deployments, Services, autoscalers and routes deleted");

    /**
     * No finalizer: everything an in-cluster Endpoint makes (Deployments, Services, autoscalers, routes) is in its
     * namespace and owned by it (controller owner references), so the garbage collector removes it when the Endpoint
     * goes, as it removes a Deployment's ReplicaSets. One API request and one reconcile less per endpoint.
     */
    @Override
    public boolean releasesBeforeDeletion() {
        return false;
    }

    /**
     * An Endpoint that still carries the finalizer (made by an earlier version of the operator): its objects are
     * deleted before it goes.
     */
    @Override
    public boolean release(Endpoint endpoint) {
        String ns = endpoint.getMetadata().getNamespace();
        String label = ResourceNames.labelValue(endpoint.getMetadata().getName());
        client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(ns)
                .withLabel(ServingPlanner.ENDPOINT_LABEL, label)
                .delete();
        client.apps()
                .deployments()
                .inNamespace(ns)
                .withLabel(ServingPlanner.ENDPOINT_LABEL, label)
                .delete();
        client.services()
                .inNamespace(ns)
                .withLabel(ServingPlanner.ENDPOINT_LABEL, label)
                .delete();
        if (gatewayApi.lastKnown()) {
            client.genericKubernetesResources(HTTP_ROUTE)
                    .inNamespace(ns)
                    .withLabel(ServingPlanner.ENDPOINT_LABEL, label)
                    .delete();
        }
        if (kedaApi.lastKnown()) {
            client.genericKubernetesResources(VariantAutoscaling.SCALED_OBJECT)
                    .inNamespace(ns)
                    .withLabel(ServingPlanner.ENDPOINT_LABEL, label)
                    .delete();
        }
        return true;
    }
}
