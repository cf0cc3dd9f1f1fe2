package io.mlforge.operator.dataagent;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.mlforge.operator.core.PodSecurity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How pods run MLForge's data agent (operator/data-agent), whichever feature puts it there (training's init container
 * and sidecar, serving's model download and pipeline stages): its command in the operator image, the storage settings
 * it reads from its environment, and pvc:// locations.
 */
public final class DataAgent {
    static final String MAIN = "io.mlforge.agent.DataAgent";
    /** How pods start the data agent from the operator image (Quarkus fast-jar layout under /deployments). */
    public static final List<String> COMMAND =
            List.of("java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", "/deployments/lib/main/*", MAIN);

    private DataAgent() {}

    /** The agent's storage environment: an S3-compatible endpoint instead of AWS, and path-style addressing. */
    public static List<EnvVar> storageEnvironment(Optional<String> s3Endpoint, boolean s3PathStyle) {
        List<EnvVar> env = new ArrayList<>();
        s3Endpoint.ifPresent(endpoint -> env.add(new EnvVarBuilder()
                .withName("MLFORGE_S3_ENDPOINT")
                .withValue(endpoint)
                .build()));
        if (s3PathStyle) {
            env.add(new EnvVarBuilder()
                    .withName("MLFORGE_S3_PATH_STYLE")
                    .withValue("true")
                    .build());
        }
        return env;
    }

    /** What every data agent container asks for: a little CPU, a bounded amount of memory. */
    public static ResourceRequirements resources() {
        return new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("100m"))
                .addToRequests("memory", new Quantity("256Mi"))
                .addToLimits("memory", new Quantity("512Mi"))
                .build();
    }

    /** The user the operator image (and so the data agent) runs as: the UBI OpenJDK image's jboss user. */
    public static final long IMAGE_USER = 185L;

    /**
     * The data agent's security context, compliant with the "restricted" Pod Security Standard whatever the pod's
     * own settings: it never runs as root, even in a pod whose main container asks for root (there it runs as the
     * image's own user).
     */
    public static SecurityContext securityContext(PodSecurityContext pod) {
        SecurityContextBuilder agent = new SecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType(PodSecurity.SECCOMP_RUNTIME_DEFAULT)
                .endSeccompProfile();
        if (pod != null && PodSecurity.asksForRoot(pod.getRunAsUser())) {
            agent.withRunAsUser(IMAGE_USER);
        }
        return agent.build();
    }

    /** pvc://claim/path split into claim and path (without leading or trailing slash). */
    public record ClaimPath(String claim, String path) {
        public static ClaimPath parse(String uri) {
            String rest = uri.substring("pvc://".length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                return new ClaimPath(rest, "");
            }
            return new ClaimPath(
                    rest.substring(0, slash), rest.substring(slash + 1).replaceAll("^/+|/+$", ""));
        }
    }
}
