package io.mlforge.operator.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import org.junit.jupiter.api.Test;

class PodSecurityTest {
    @Test
    void withoutUserSettingsPodsAndContainersMeetTheRestrictedStandard() {
        PodSecurityContext pod = PodSecurity.pod(null);
        assertThat(pod.getRunAsNonRoot()).isTrue();
        assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        SecurityContext container = PodSecurity.container(null);
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
    }

    @Test
    void theUsersFieldsWinAndTheRestKeepTheDefaults() {
        PodSecurityContext pod = PodSecurity.pod(new PodSecurityContextBuilder()
                .withRunAsUser(1000L)
                .withFsGroup(2000L)
                .build());
        assertThat(pod.getRunAsUser()).isEqualTo(1000L);
        assertThat(pod.getFsGroup()).isEqualTo(2000L);
        assertThat(pod.getRunAsNonRoot()).isTrue();
        assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

        SecurityContext container = PodSecurity.container(new SecurityContextBuilder()
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .withAdd("NET_BIND_SERVICE")
                .endCapabilities()
                .build());
        assertThat(container.getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getCapabilities().getAdd()).containsExactly("NET_BIND_SERVICE");
    }

    @Test
    void askingForRootDropsOnlyTheNonRootDefault() {
        PodSecurityContext root = PodSecurity.pod(
                new PodSecurityContextBuilder().withRunAsUser(0L).build());
        assertThat(root.getRunAsNonRoot()).isNull();
        assertThat(root.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

        PodSecurityContext explicit = PodSecurity.pod(
                new PodSecurityContextBuilder().withRunAsNonRoot(false).build());
        assertThat(explicit.getRunAsNonRoot()).isFalse();
    }

    @Test
    void aPrivilegedContainerIsNotToldItCannotEscalate() {
        // the API server rejects privileged: true together with allowPrivilegeEscalation: false
        SecurityContext privileged = PodSecurity.container(
                new SecurityContextBuilder().withPrivileged(true).build());
        assertThat(privileged.getAllowPrivilegeEscalation()).isNull();
        assertThat(privileged.getCapabilities().getDrop()).containsExactly("ALL");
    }
}
