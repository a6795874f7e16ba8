package io.meridian.hub.web;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;

/** The socket settings of the hub's HTTP listener, in one place for the hub and the servers its benchmarks start. */
public final class HubListener {
    private HubListener() {
    }

    /** A server builder with the hub's listener settings; the caller adds host, port and routing. */
    public static WebServerConfig.Builder builder() {
        return WebServer.builder()
                // Without TCP_NODELAY, a response written in parts waits on the client's delayed ACK (~40 ms),
                // and small WebSocket frames wait on Nagle's algorithm.
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .writeBufferSize(64 * 1024)
                // Blocking sockets: Helidon's NIO sockets write every response through an 8 KiB buffer, one
                // system call and one extra copy per 8 KiB; the blocking ones write what they are given at once.
                // A file relayed from storage cost the hub about half the CPU this way (docs/performance.md).
                .useNio(false);
    }
}
