package io.meridian.hub.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keep-alive connections to the users' servers, reused across requests and callers. Idle connections are
 * checked before reuse, closed after {@link #IDLE_TIMEOUT} (so a stopped server's connections do not linger),
 * and at most {@link #MAX_IDLE_PER_SERVER} stay open per server.
 */
final class UpstreamPool implements AutoCloseable {
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_IDLE_PER_SERVER = 64;
    /** Methods that may be sent again when a reused connection turns out to have been closed by the server. */
    private static final Set<String> SAFE_TO_RETRY = Set.of("GET", "HEAD", "OPTIONS");

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Map<Server, Idle> idle = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepNanos = new AtomicLong(System.nanoTime());
    private volatile boolean closed;

    /** Where a server listens; resolved only when a connection opens. */
    private record Server(String host, int port) {
    }

    /** The idle connections to one server, most recently used first. */
    private static final class Idle {
        final Deque<UpstreamConnection> connections = new ConcurrentLinkedDeque<>();
        final AtomicInteger count = new AtomicInteger();
    }

    UpstreamPool(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /**
     * Sends {@code request} to the server at {@code upstream} (scheme://host:port) on an idle connection or a new
     * one. A request that may be repeated is sent once more on a new connection if the reused one fails, since the
     * server may have closed it just as it was taken.
     */
    UpstreamResponse send(URI upstream, UpstreamConnection.Request request, UpstreamConnection.BodyWriter body)
            throws IOException {
        if (closed) {
            throw new IOException("the proxy is shutting down");
        }
        if (!"http".equals(upstream.getScheme()) || upstream.getHost() == null) {
            throw new IOException("the proxy reaches servers over plain http only, not " + upstream);
        }
        Server address = new Server(upstream.getHost(), upstream.getPort() < 0 ? 80 : upstream.getPort());
        UpstreamConnection reused = take(address);
        if (reused != null) {
            try {
                return reused.exchange(request, body, connection -> release(address, connection));
            } catch (IOException | RuntimeException e) {
                reused.close();
                if (!(e instanceof IOException) || request.hasBody() || !SAFE_TO_RETRY.contains(request.method())) {
                    throw e;
                }
            }
        }
        UpstreamConnection fresh = UpstreamConnection.open(new InetSocketAddress(address.host(), address.port()), connectTimeout,
                readTimeout);
        try {
            return fresh.exchange(request, body, connection -> release(address, connection));
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
    }

    private UpstreamConnection take(Server address) {
        Idle server = idle.get(address);
        if (server == null) {
            return null;
        }
        long now = System.nanoTime();
        for (UpstreamConnection connection = server.connections.pollFirst(); connection != null;
             connection = server.connections.pollFirst()) {
            server.count.decrementAndGet();
            if (!connection.idleLongerThan(IDLE_TIMEOUT, now) && connection.reusable()) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private void release(Server address, UpstreamConnection connection) {
        long now = System.nanoTime();
        Idle server = idle.computeIfAbsent(address, key -> new Idle());
        if (closed || server.count.incrementAndGet() > MAX_IDLE_PER_SERVER) {
            server.count.decrementAndGet();
            connection.close();
        } else {
            connection.markIdle(now);
            server.connections.offerFirst(connection);
        }
        long last = lastSweepNanos.get();
        if (now - last > IDLE_TIMEOUT.toNanos() && lastSweepNanos.compareAndSet(last, now)) {
            sweep(now);
        }
    }

    /** Closes connections idle for too long, oldest first, on every server (also servers no longer used). */
    private void sweep(long now) {
        for (Idle server : idle.values()) {
            for (UpstreamConnection oldest = server.connections.peekLast();
                 oldest != null && oldest.idleLongerThan(IDLE_TIMEOUT, now); oldest = server.connections.peekLast()) {
                if (server.connections.removeLastOccurrence(oldest)) {
                    server.count.decrementAndGet();
                    oldest.close();
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Idle server : idle.values()) {
            for (UpstreamConnection connection = server.connections.pollFirst(); connection != null;
                 connection = server.connections.pollFirst()) {
                connection.close();
            }
        }
    }
}
