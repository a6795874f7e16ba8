package io.meridian.hub.proxy;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One keep-alive HTTP/1.1 connection that sends the same GET again and again, for the proxy benchmark's
 * throughput rounds. It does as little as a load generator like wrk: a fixed request written once per call and a
 * response read to its end, so that on shared cores its own CPU time takes little from the servers it measures
 * (the JDK's HttpClient costs several times more per request than the proxy itself).
 */
final class KeepAliveClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;
    private final StringBuilder line = new StringBuilder();
    private final byte[] skip = new byte[8192];

    KeepAliveClient(URI uri, Map<String, String> headers) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        StringBuilder text = new StringBuilder("GET ").append(uri.getRawPath()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        headers.forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        request = text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends the request and reads the whole response; fails unless the status is 200. */
    void get() throws IOException {
        out.write(request);
        out.flush();
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("expected 200, got: " + status);
        }
        long length = -1;
        boolean chunked = false;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(header.substring("content-length:".length()).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                skip(size);
                readLine();
            }
            // trailers end with an empty line
            while (!readLine().isEmpty()) {
                continue;
            }
        } else if (length >= 0) {
            skip(length);
        } else {
            throw new IOException("a keep-alive response needs Content-Length or chunked encoding");
        }
    }

    private long chunkSize() throws IOException {
        String size = readLine();
        int extension = size.indexOf(';');
        return Long.parseLong(extension < 0 ? size.strip() : size.substring(0, extension).strip(), 16);
    }

    private void skip(long bytes) throws IOException {
        while (bytes > 0) {
            int read = in.read(skip, 0, (int) Math.min(skip.length, bytes));
            if (read < 0) {
                throw new EOFException("connection closed inside a response body");
            }
            bytes -= read;
        }
    }

    private String readLine() throws IOException {
        line.setLength(0);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed inside a response");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
