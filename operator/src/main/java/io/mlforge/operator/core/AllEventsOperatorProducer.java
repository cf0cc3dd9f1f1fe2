package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.AbstractConfigurationService;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.quarkiverse.operatorsdk.runtime.QuarkusConfigurationService;
import io.quarkiverse.operatorsdk.runtime.QuarkusControllerConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.lang.reflect.Field;
import java.time.Duration;

/**
 * The JOSDK {@link Operator}, built as quarkus-operator-sdk builds it, except that the MLForge controllers
 * ({@link ResourceReconciler}) run with JOSDK's {@code triggerReconcilerOnAllEvents}: the reconciler sees deletions
 * and manages its finalizer itself, so only resources whose backend must release something outside the cluster carry
 * one (an in-cluster TrainingJob's pods are owned by it and go with it through the garbage collector, as a Job's do):
 * one API request less per job and no reconcile that only adds a finalizer.
 *
 * <p>quarkus-operator-sdk 7.4 builds its controller configuration without that setting (later releases carry it), so
 * this producer replaces its default {@code Operator} bean and registers those controllers with a configuration that
 * says so; everything else is the extension's configuration as it resolved it, but for two things the extension has
 * no setting for: caches without managedFields ({@link PrunedItemStore}) and shallow copies of the resources handed
 * to reconciles ({@link ShallowResourceCloner}).
 */
public class AllEventsOperatorProducer {

    @Produces
    @ApplicationScoped
    Operator operator(
            QuarkusConfigurationService configuration,
            Instance<Reconciler<? extends HasMetadata>> reconcilers,
            StatusWriter statusWriter) {
        useShallowCopies(configuration);
        Operator operator = new Operator(configuration);
        for (Reconciler<? extends HasMetadata> reconciler : reconcilers) {
            register(configuration, reconciler, operator, statusWriter);
        }
        int termination = configuration.getTerminationTimeoutSeconds();
        if (termination != -1) {
            operator.installShutdownHook(Duration.ofSeconds(termination));
        }
        return operator;
    }

    /**
     * Makes JOSDK copy MLForge's resources before a reconcile with {@link ShallowResourceCloner}. The extension offers
     * no setting for the cloner, so the field of JOSDK's configuration service is set (start-up fails if a later JOSDK
     * renames it).
     */
    static void useShallowCopies(AbstractConfigurationService configuration) {
        try {
            Field cloner = AbstractConfigurationService.class.getDeclaredField("cloner");
            cloner.setAccessible(true);
            cloner.set(configuration, new ShallowResourceCloner(configuration.getResourceCloner()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set JOSDK's resource cloner", e);
        }
    }

    private static <P extends HasMetadata> void register(
            QuarkusConfigurationService configuration,
            Reconciler<P> reconciler,
            Operator operator,
            StatusWriter statusWriter) {
        QuarkusControllerConfiguration<P> resolved = configuration.getConfigurationFor(reconciler);
        if (reconciler instanceof ResourceReconciler<?, ?, ?>) {
            operator.register(reconciler, new AllEvents<>(resolved, configuration, statusWriter));
        } else {
            operator.register(reconciler);
        }
    }

    /**
     * The extension's configuration of a controller, with {@code triggerReconcilerOnAllEvents} on and a cache that
     * drops managedFields ({@link PrunedItemStore}), lists in pages, and tells the {@link StatusWriter} what it holds.
     */
    static final class AllEvents<P extends HasMetadata> extends QuarkusControllerConfiguration<P> {
        AllEvents(
                QuarkusControllerConfiguration<P> resolved,
                QuarkusConfigurationService parent,
                StatusWriter statusWriter) {
            super(
                    InformerConfiguration.builder(resolved.getInformerConfig())
                            .withItemStore(PrunedItemStore.withoutManagedFields(statusWriter::cached))
                            .withInformerListLimit(PrunedItemStore.LIST_PAGE)
                            .buildForController(),
                    resolved.getName(),
                    resolved.isGenerationAware(),
                    resolved.getAssociatedReconcilerClassName(),
                    resolved.getRetry(),
                    resolved.getRateLimiter(),
                    resolved.maxReconciliationInterval().orElse(Duration.ofHours(10)),
                    resolved.getFinalizerName(),
                    resolved.fieldManager(),
                    resolved.getWorkflow(),
                    resolved.getResourceTypeName(),
                    resolved.getResourceClass());
            setParent(parent);
        }

        @Override
        public boolean triggerReconcilerOnAllEvents() {
            return true;
        }
    }
}
