package io.mlforge.operator.core;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The security settings of every pod MLForge creates. By default they meet the "restricted" Pod Security Standard
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted), so namespaces that enforce it
 * accept the pods: the pod runs as non-root with the runtime's default seccomp profile; every container runs without
 * privilege escalation and with all capabilities dropped. A user's own settings (spec.kubernetes.podSecurityContext
 * and securityContext) win field by field; a user who asks for root (runAsUser 0) gets no runAsNonRoot default,
 * which would only make the kubelet refuse to start the container.
 */
public final class PodSecurity {
    public static final String SECCOMP_RUNTIME_DEFAULT = "RuntimeDefault";

    private PodSecurity() {}

    /** The pod-level settings: the user's, with runAsNonRoot and the seccomp profile defaulted. */
    public static PodSecurityContext pod(PodSecurityContext user) {
        PodSecurityContextBuilder pod =
                user == null ? new PodSecurityContextBuilder() : new PodSecurityContextBuilder(user);
        if ((user == null || user.getRunAsNonRoot() == null)
                && !asksForRoot(user == null ? null : user.getRunAsUser())) {
            pod.withRunAsNonRoot(true);
        }
        if (user == null || user.getSeccompProfile() == null) {
            pod.withNewSeccompProfile().withType(SECCOMP_RUNTIME_DEFAULT).endSeccompProfile();
        }
        return pod.build();
    }

    /** A main container's settings: the user's, with privilege escalation off and all capabilities dropped by default. */
    public static SecurityContext container(SecurityContext user) {
        SecurityContextBuilder container =
                user == null ? new SecurityContextBuilder() : new SecurityContextBuilder(user);
        if (user == null || user.getAllowPrivilegeEscalation() == null) {
            // a privileged container always escalates; saying otherwise is an error the API server rejects
            if (user == null || !Boolean.TRUE.equals(user.getPrivileged())) {
                container.withAllowPrivilegeEscalation(false);
            }
        }
        if (user == null || user.getCapabilities() == null) {
            container.withNewCapabilities().withDrop("ALL").endCapabilities();
        }
        return container.build();
    }

    /** Whether these settings ask for root: runAsUser 0. */
    public static boolean asksForRoot(Long runAsUser) {
        return runAsUser != null && runAsUser == 0L;
    }
}
