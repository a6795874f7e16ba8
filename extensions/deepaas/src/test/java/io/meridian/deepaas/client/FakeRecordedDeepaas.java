package io.meridian.deepaas.client;

import io.meridian.deepaas.RecordedExchanges.Exchange;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for a real DEEPaaS 2.6 server, which cannot run here (no Python packages): it
 * answers the next request with the response recorded from the real server, byte for byte,
 * including its faults (a 500 with Connection: close, or a connection closed without answer),
 * and records the request line the client sent so a test can compare it with the recorded one.
 */
final class FakeRecordedDeepaas implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;
    private final Queue<Exchange> answers = new ConcurrentLinkedQueue<>();
    final List<String> requestLines = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> requestHeaders = new CopyOnWriteArrayList<>();

    FakeRecordedDeepaas() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "fake-deepaas");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    /** The recorded exchanges whose responses answer the next requests, one each, in order. */
    void answerWith(Exchange... exchanges) {
        answers.addAll(List.of(exchanges));
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread t = new Thread(() -> {
                    try (client) {
                        serve(client);
                    } catch (IOException e) {
                        // the client went away
                    }
                }, "fake-deepaas-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                // the socket was closed by close()
            }
        }
    }

    private void serve(Socket client) throws IOException {
        InputStream in = new BufferedInputStream(client.getInputStream());
        while (true) {
            String requestLine = readLine(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            String line;
            while ((line = readLine(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            in.readNBytes(length);
            requestLines.add(requestLine);
            requestHeaders.add(headers);
            Exchange e = answers.poll();
            if (e == null) {
                throw new IOException("no recorded answer queued for " + requestLine);
            }
            if (e.status() == null) {
                return;
            }
            OutputStream out = client.getOutputStream();
            StringBuilder head = new StringBuilder("HTTP/1.1 " + e.status() + " X\r\n");
            e.responseHeaders().forEach((k, v) -> {
                if (!k.equals("content-length") && !k.equals("date")) {
                    head.append(k).append(": ").append(v).append("\r\n");
                }
            });
            head.append("content-length: ").append(e.responseBody().length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(e.responseBody());
            out.flush();
            if ("close".equalsIgnoreCase(e.responseHeaders().get("connection"))) {
                return;
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
