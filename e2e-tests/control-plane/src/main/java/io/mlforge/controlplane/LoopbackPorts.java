package io.mlforge.controlplane;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on loopback for processes started later (etcd, the API server, an operator). A port the kernel hands
 * out for {@code bind(0)} lies in the ephemeral range, where any outgoing connection of any process on the machine may
 * take it between our check and the child's bind (CI saw etcd fail with "address already in use" that way). So ports
 * come from below the ephemeral range, checked bindable, and never twice in one JVM.
 */
public final class LoopbackPorts {
    private static final int LOWEST = 20000;
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private LoopbackPorts() {}

    /** A port nothing listens on now, below the ephemeral range and not handed out before by this JVM. */
    public static synchronized int free() throws IOException {
        int highest = ephemeralLow() - 1;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200 && highest > LOWEST; attempt++) {
            int port = random.nextInt(LOWEST, highest + 1);
            if (!HANDED_OUT.contains(port) && bindable(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        // a machine whose ephemeral range starts low: fall back to what the kernel gives
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HANDED_OUT.add(socket.getLocalPort());
            return socket.getLocalPort();
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (Linux), or IANA's 49152 elsewhere. */
    static int ephemeralLow() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            if (Files.isReadable(range)) {
                // read as a stream: procfs reports a size of 0, and Files.readString returned only "3" of "32768 60999"
                try (var in = Files.newInputStream(range)) {
                    String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
                    return Integer.parseInt(text.trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return 49152;
    }
}
