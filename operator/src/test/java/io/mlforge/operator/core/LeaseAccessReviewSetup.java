package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.util.function.Consumer;

/**
 * Before it campaigns, JOSDK asks the API server (SelfSubjectRulesReview) whether it may create, get and update
 * Leases. The mock server has no authorizer, so this answers as a real one would for the Helm chart's leader
 * election Role: exactly those verbs on leases.coordination.k8s.io.
 */
public class LeaseAccessReviewSetup implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
        SelfSubjectRulesReview review = new SelfSubjectRulesReviewBuilder()
                .withNewMetadata().endMetadata()
                .withNewSpec().withNamespace(OperatorRuntimeProfile.LEASE_NAMESPACE).endSpec()
                .withNewStatus().withIncomplete(false)
                .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
                .withVerbs("create", "get", "update").endResourceRule()
                .endStatus()
                .build();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, review).always();
    }
}
