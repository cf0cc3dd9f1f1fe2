package io.mlforge.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void portsComeFromBelowTheEphemeralRangeAndNeverTwice() throws Exception {
        int ephemeralLow = LoopbackPorts.ephemeralLow();
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            assertThat(ephemeralLow).as("read from procfs").isGreaterThan(1024);
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int port = LoopbackPorts.free();
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
            if (ephemeralLow > 21000) {
                // outgoing connections take ports from the ephemeral range; ours must not race them there
                assertThat(port).isBetween(20000, ephemeralLow - 1);
            }
        }
    }

    @Test
    void aPortInUseIsNotHandedOut() throws Exception {
        // hold many ports: none of them may come back
        Set<Integer> held = new HashSet<>();
        java.util.List<ServerSocket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                int port = LoopbackPorts.free();
                sockets.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
                held.add(port);
            }
            for (int i = 0; i < 200; i++) {
                int port = LoopbackPorts.free();
                assertThat(held).doesNotContain(port);
                try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    assertThat(free.getLocalPort()).isEqualTo(port);
                }
            }
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}
