package io.mlforge.sandbox.netns;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte relays between loopback TCP ports and Unix domain sockets. Unix sockets live in the file system, which network
 * namespaces share, so a pair of relays (one inside a namespace, one outside) is the only way between a process in
 * the namespace and the host's loopback: cutting a route on the host side cuts that traffic, as a network partition
 * does, while the rest keeps flowing. Run as a program inside a namespace:
 * {@code Relay tcp:PORT=unix:PATH ... unix:PATH=tcp:PORT ...}; prints "ready" once every route listens.
 */
public final class Relay implements Closeable {
    /** A route: accept on {@code listen}, connect each accepted connection to {@code target}. */
    public record Route(SocketAddress listen, SocketAddress target) {
        static Route parse(String spec) {
            String[] parts = spec.split("=", 2);
            return new Route(address(parts[0]), address(parts[1]));
        }

        private static SocketAddress address(String spec) {
            if (spec.startsWith("tcp:")) {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(spec.substring(4)));
            }
            if (spec.startsWith("unix:")) {
                return UnixDomainSocketAddress.of(spec.substring(5));
            }
            throw new IllegalArgumentException("not tcp:PORT or unix:PATH: " + spec);
        }

        String spec() {
            return spec(listen) + "=" + spec(target);
        }

        private static String spec(SocketAddress address) {
            return address instanceof UnixDomainSocketAddress unix
                    ? "unix:" + unix.getPath()
                    : "tcp:" + ((InetSocketAddress) address).getPort();
        }
    }

    private final List<Listener> listeners = new ArrayList<>();

    private Relay() {}

    /** Starts relaying every route (in threads of this JVM). */
    public static Relay start(List<Route> routes) throws IOException {
        Relay relay = new Relay();
        for (Route route : routes) {
            relay.listeners.add(new Listener(route));
        }
        relay.listeners.forEach(Listener::start);
        return relay;
    }

    /** Cuts the route that listens on {@code listen}: its connections close, new ones are closed at once. */
    public void cut(SocketAddress listen) {
        listener(listen).cut(true);
    }

    /** Lets the route carry traffic again. */
    public void restore(SocketAddress listen) {
        listener(listen).cut(false);
    }

    private Listener listener(SocketAddress listen) {
        return listeners.stream()
                .filter(l -> l.route.listen().equals(listen))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no route listens on " + listen));
    }

    @Override
    public void close() {
        listeners.forEach(Listener::close);
    }

    public static void main(String[] args) throws Exception {
        List<Route> routes = new ArrayList<>();
        for (String arg : args) {
            routes.add(Route.parse(arg));
        }
        start(routes);
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join(); // relay until killed
    }

    private static final class Listener {
        private final Route route;
        private final ServerSocketChannel server;
        private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
        private volatile boolean cut;

        Listener(Route route) {
            this.route = route;
            try {
                if (route.listen() instanceof UnixDomainSocketAddress unix) {
                    Files.deleteIfExists(unix.getPath());
                    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                } else {
                    server = ServerSocketChannel.open();
                }
                server.bind(route.listen());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot listen for " + route.spec(), e);
            }
        }

        void start() {
            Thread accept = new Thread(this::accept, "relay " + route.spec());
            accept.setDaemon(true);
            accept.start();
        }

        void cut(boolean cut) {
            this.cut = cut;
            if (cut) {
                open.forEach(Listener::closeQuietly);
                open.clear();
            }
        }

        private void accept() {
            while (server.isOpen()) {
                SocketChannel client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    return; // closed
                }
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                try {
                    SocketChannel upstream = route.target() instanceof UnixDomainSocketAddress
                            ? SocketChannel.open(StandardProtocolFamily.UNIX)
                            : SocketChannel.open();
                    upstream.connect(route.target());
                    open.add(client);
                    open.add(upstream);
                    java.util.concurrent.atomic.AtomicInteger directions =
                            new java.util.concurrent.atomic.AtomicInteger(2);
                    pump(client, upstream, directions);
                    pump(upstream, client, directions);
                } catch (IOException e) {
                    closeQuietly(client); // the target is not there: as a refused connection
                }
            }
        }

        /** Copies one direction; the pair is closed when both directions ended, or at once on an error. */
        private void pump(SocketChannel from, SocketChannel to, java.util.concurrent.atomic.AtomicInteger directions) {
            Thread thread = new Thread(
                    () -> {
                        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                        boolean clean = false;
                        try {
                            while (from.read(buffer) >= 0) {
                                buffer.flip();
                                while (buffer.hasRemaining()) {
                                    to.write(buffer);
                                }
                                buffer.clear();
                            }
                            to.shutdownOutput();
                            clean = true;
                        } catch (IOException e) {
                            // reset, or closed by a cut
                        }
                        if (!clean || directions.decrementAndGet() == 0) {
                            closeQuietly(from);
                            closeQuietly(to);
                            open.remove(from);
                            open.remove(to);
                        }
                    },
                    "relay pump " + route.spec());
            thread.setDaemon(true);
            thread.start();
        }

        void close() {
            closeQuietly(server);
            open.forEach(Listener::closeQuietly);
        }

        private static void closeQuietly(Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
