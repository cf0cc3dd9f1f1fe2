package io.mlforge.sandbox.netns;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace of our own with nothing but its loopback interface (needs root: {@code ip netns}), for
 * running an operator replica that can be cut off from the API server. Traffic crosses only through {@link Relay}s:
 * each host port given at creation is reachable inside under the same loopback port, and each inside port under a
 * loopback port of the host ({@link #hostPort}). {@link #cut} and {@link #restore} act on one host port's route.
 */
public final class NetworkNamespace implements AutoCloseable {
    private final String name;
    private final Process insideRelay;
    private final Relay hostRelay;
    private final Map<Integer, Integer> hostPorts;
    private final Path sockets;

    private NetworkNamespace(
            String name, Process insideRelay, Relay hostRelay, Map<Integer, Integer> hostPorts, Path sockets) {
        this.name = name;
        this.insideRelay = insideRelay;
        this.hostRelay = hostRelay;
        this.hostPorts = hostPorts;
        this.sockets = sockets;
    }

    /**
     * Creates namespace {@code name}: the host's {@code hostPortsInside} reachable inside, and {@code insidePorts}
     * (e.g. the replica's HTTP port, for health probes) reachable from the host.
     */
    public static NetworkNamespace create(
            String name, Path workDir, List<Integer> hostPortsInside, List<Integer> insidePorts)
            throws IOException, InterruptedException {
        run("ip", "netns", "delete", name); // a leftover of an interrupted run
        require("ip", "netns", "add", name);
        require("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        Path sockets = Files.createDirectories(workDir.resolve("netns-" + name));
        List<String> inside = new ArrayList<>();
        List<Relay.Route> host = new ArrayList<>();
        for (int port : hostPortsInside) {
            Path socket = sockets.resolve("in-" + port + ".sock");
            inside.add("tcp:" + port + "=unix:" + socket);
            host.add(new Relay.Route(UnixDomainSocketAddress.of(socket), loopback(port)));
        }
        Map<Integer, Integer> hostPorts = new LinkedHashMap<>();
        for (int port : insidePorts) {
            Path socket = sockets.resolve("out-" + port + ".sock");
            inside.add("unix:" + socket + "=tcp:" + port);
            int hostPort = freePort();
            hostPorts.put(port, hostPort);
            host.add(new Relay.Route(loopback(hostPort), UnixDomainSocketAddress.of(socket)));
        }
        List<String> command = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                name,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m",
                "-cp",
                System.getProperty("java.class.path"),
                Relay.class.getName()));
        command.addAll(inside);
        Process relay = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        sockets.resolve("relay.log").toFile()))
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            relay.destroyForcibly();
            throw new IOException("the relay in namespace " + name + " did not start: " + line + "; see "
                    + sockets.resolve("relay.log"));
        }
        return new NetworkNamespace(name, relay, Relay.start(host), hostPorts, sockets);
    }

    /** The command prefix that runs a program inside the namespace. */
    public List<String> exec() {
        return List.of("ip", "netns", "exec", name);
    }

    /** The ports inside the namespace that the host reaches, in the order given at creation. */
    public List<Integer> insidePorts() {
        return List.copyOf(hostPorts.keySet());
    }

    /** The host's loopback port that reaches {@code insidePort} inside the namespace. */
    public int hostPort(int insidePort) {
        return hostPorts.get(insidePort);
    }

    /** Cuts the namespace off from the host's {@code port}: open connections close, new ones fail. */
    public void cut(int port) {
        hostRelay.cut(UnixDomainSocketAddress.of(sockets.resolve("in-" + port + ".sock")));
    }

    public void restore(int port) {
        hostRelay.restore(UnixDomainSocketAddress.of(sockets.resolve("in-" + port + ".sock")));
    }

    public String name() {
        return name;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        hostRelay.close();
        insideRelay.destroyForcibly();
        insideRelay.waitFor(10, TimeUnit.SECONDS);
        run("ip", "netns", "delete", name);
    }

    /** Whether this machine lets us create network namespaces (root and the ip command). */
    public static boolean available() {
        try {
            String probe = "mlforge-probe-" + ProcessHandle.current().pid();
            if (run("ip", "netns", "add", probe) != 0) {
                return false;
            }
            run("ip", "netns", "delete", probe);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static int freePort() throws IOException {
        return io.mlforge.controlplane.LoopbackPorts.free();
    }

    private static void require(String... command) throws IOException, InterruptedException {
        if (run(command) != 0) {
            throw new IOException("failed: " + String.join(" ", command));
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return process.waitFor();
    }
}
