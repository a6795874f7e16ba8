package io.meridian.hub.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server that writes the exact bytes a test scripts, for what no real server does on demand: closing a
 * keep-alive connection at a chosen moment, or answering with a malformed head. It reads request heads only
 * (and skips a Content-Length body), one connection per thread.
 */
final class FakeWireServer implements AutoCloseable {

    /** Answers one request; returns false to close the connection afterwards. */
    @FunctionalInterface
    interface Script {
        boolean answer(int connection, int requestOnConnection, String requestHead, OutputStream out) throws IOException;
    }

    private final ServerSocket listener;
    private final Script script;
    private final AtomicInteger connections = new AtomicInteger();
    final List<String> requestLines = new CopyOnWriteArrayList<>();

    FakeWireServer(Script script) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        Thread.ofPlatform().daemon().name("fake-wire-accept").start(this::accept);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** How many connections the proxy has opened so far. */
    int connections() {
        return connections.get();
    }

    private void accept() {
        try {
            while (true) {
                Socket socket = listener.accept();
                int number = connections.incrementAndGet();
                Thread.ofPlatform().daemon().name("fake-wire-" + number).start(() -> serve(socket, number));
            }
        } catch (IOException e) {
            // the listener was closed
        }
    }

    private void serve(Socket socket, int connection) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int request = 1; ; request++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                requestLines.add(head.lines().findFirst().orElse(""));
                skipBody(in, head);
                boolean keepOpen = script.answer(connection, request, head, out);
                out.flush();
                if (!keepOpen) {
                    return;
                }
            }
        } catch (SocketException e) {
            // the proxy closed the connection
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == end.length) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring("content-length:".length()).strip()));
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
