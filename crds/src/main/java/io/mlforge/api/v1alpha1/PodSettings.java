package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * How the in-cluster backend places and configures the pods it creates. The embedded Kubernetes types
 * (tolerations, affinity, env, resources) are the core/v1 ones, passed through unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodSettings {
    @Size(max = 64)
    @JsonPropertyDescription("Node labels the pods must match (core/v1 nodeSelector).")
    public Map<String, String> nodeSelector;

    @Size(max = 64)
    @JsonPropertyDescription("Tolerations for the pods (core/v1 Toleration), e.g. for tainted GPU or spot nodes.")
    public List<Toleration> tolerations;

    @JsonPropertyDescription("Node and pod affinity rules for the pods (core/v1 Affinity).")
    public Affinity affinity;

    @Size(max = 253)
    @JsonPropertyDescription("PriorityClass of the pods; lets high-priority work preempt lower-priority pods.")
    public String priorityClassName;

    @Size(max = 253)
    @JsonPropertyDescription(
            "ServiceAccount the pods run as, e.g. one bound to an IAM role through IRSA or EKS Pod Identity so the pods can read S3.")
    public String serviceAccountName;

    @Size(max = 32)
    @JsonPropertyDescription(
            "Secrets used to pull the container image from a private registry (core/v1 LocalObjectReference).")
    public List<LocalObjectReference> imagePullSecrets;

    @Size(max = 64)
    @JsonPropertyDescription("Extra labels for the pods (the operator's own labels take precedence).")
    public Map<String, String> podLabels;

    @Size(max = 64)
    @JsonPropertyDescription("Extra annotations for the pods.")
    public Map<String, String> podAnnotations;

    @Size(max = 128)
    @JsonPropertyDescription(
            "Extra environment variables for the main container (core/v1 EnvVar), e.g. values from Secrets or ConfigMaps. The portable spec.environment map is applied first.")
    public List<EnvVar> env;

    @JsonPropertyDescription(
            "CPU and memory requests and limits of the main container (core/v1 ResourceRequirements). GPUs come from the spec's gpusPerInstance and need not be listed here.")
    public ResourceRequirements resources;

    @JsonPropertyDescription(
            "Pod-level security settings (core/v1 PodSecurityContext), e.g. runAsUser, runAsGroup, fsGroup. Fields left unset keep MLForge's defaults, which meet the restricted Pod Security Standard: runAsNonRoot true and seccompProfile RuntimeDefault. An image that must run as root needs runAsNonRoot: false (or runAsUser: 0) here, and a namespace whose Pod Security level allows it (baseline).")
    public PodSecurityContext podSecurityContext;

    @JsonPropertyDescription(
            "Security settings of the main container(s) (core/v1 SecurityContext). Fields left unset keep MLForge's defaults, which meet the restricted Pod Security Standard: allowPrivilegeEscalation false and all capabilities dropped.")
    public SecurityContext securityContext;
}
