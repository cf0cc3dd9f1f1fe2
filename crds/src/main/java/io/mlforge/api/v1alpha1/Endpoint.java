package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A served model, in the cluster or on SageMaker. The plural "endpoints" is also core/v1 Endpoints, so
 * {@code kubectl get endpoints} shows the core kind: use {@code kubectl get mlep}, {@code endpoints.mlforge.io}
 * or {@code kubectl get mlforge}.
 */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@Kind("Endpoint")
@Plural("endpoints")
@Singular("endpoint")
@ShortNames({"mlep", "mlendpoint"})
@Categories(ApiConstants.CATEGORY)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Backend", jsonPath = ".spec.backend", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyVariants", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "URL", jsonPath = ".status.url", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@JsonClassDescription(
        "Endpoint is a served model: Deployments and Services in this cluster (backend Kubernetes) or a SageMaker endpoint (backend SageMaker). Reach it with kubectl get mlep: the plural endpoints is also core/v1 Endpoints.")
public class Endpoint extends CustomResource<EndpointSpec, EndpointStatus> implements Namespaced {}
