package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.time.ZonedDateTime;
import java.util.function.Consumer;

/** Lease access granted as for the chart's Role, and the lease already held (for an hour) by another replica. */
public class LeaseHeldByAnotherReplicaSetup implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
        new LeaseAccessReviewSetup().accept(server);
        ZonedDateTime now = ZonedDateTime.now();
        server.getClient().leases().inNamespace(OperatorRuntimeProfile.LEASE_NAMESPACE).resource(new LeaseBuilder()
                .withNewMetadata().withName(StandbyReplicaProfile.LEASE).endMetadata()
                .withNewSpec()
                .withHolderIdentity(StandbyReplicaProfile.OTHER_REPLICA)
                .withLeaseDurationSeconds(3600)
                .withAcquireTime(now)
                .withRenewTime(now)
                .withLeaseTransitions(0)
                .endSpec()
                .build()).create();
    }
}
