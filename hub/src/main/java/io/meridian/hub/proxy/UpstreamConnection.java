package io.meridian.hub.proxy;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One HTTP/1.1 connection from the proxy to a user's server, kept open between requests. It writes a request
 * head, streams the body, and reads the answer with its framing (Content-Length, chunked, or until close), handing
 * the connection back to its {@link UpstreamPool} once the answer's body has been read to its end.
 *
 * <p>The proxy does not use a general HTTP client here: on every request Helidon's WebClient starts a virtual
 * thread that watches the pooled connection, and the JDK's client hands each exchange to its selector thread; either
 * cost more CPU per request than the rest of the proxy (docs/performance.md, Proxy).
 */
final class UpstreamConnection implements Closeable {
    private static final int BUFFER = 16 * 1024;
    /** The most an answer's status line and headers may take; a server sending more gets a 502. */
    private static final int MAX_HEAD = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A header line as the server sent it. */
    record Field(String name, String value) {
    }

    /**
     * What a request sends upstream.
     *
     * @param bodyLength the body's length, -1 for a body of unknown length (sent chunked), or none
     */
    record Request(String method, String target, String host, List<Field> headers, OptionalLong bodyLength) {
        boolean hasBody() {
            return bodyLength.isPresent();
        }
    }

    /** Writes a request body; the stream it gets ends the body on close. */
    @FunctionalInterface
    interface BodyWriter {
        void writeTo(OutputStream body) throws IOException;
    }

    private final SocketChannel channel;
    private final InputStream socketIn;
    private final OutputStream out;
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private final byte[] buffer = new byte[BUFFER];
    private int position;
    private int limit;
    private long idleSinceNanos;

    private UpstreamConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        // the socket's streams honour the read timeout; the channel's own reads would block forever
        this.socketIn = channel.socket().getInputStream();
        this.out = new BufferedOutputStream(channel.socket().getOutputStream(), BUFFER);
    }

    /** Connects; a refused or timed-out connection throws {@link java.net.ConnectException} or a socket timeout. */
    static UpstreamConnection open(InetSocketAddress address, Duration connectTimeout, Duration readTimeout)
            throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            // request heads and small answers are single writes; Nagle's algorithm would hold them for an ACK
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.socket().connect(address, (int) connectTimeout.toMillis());
            channel.socket().setSoTimeout((int) readTimeout.toMillis());
            return new UpstreamConnection(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Sends the request (head, then the body if any) and reads the answer's head. */
    UpstreamResponse exchange(Request request, BodyWriter body, Consumer<UpstreamConnection> release)
            throws IOException {
        writeHead(request);
        if (request.hasBody()) {
            long length = request.bodyLength().getAsLong();
            try (OutputStream bodyOut = length >= 0 ? new FixedBody(out) : new ChunkedBody(out)) {
                body.writeTo(bodyOut);
            }
        }
        out.flush();
        return readResponse(request.method().equals("HEAD"), release);
    }

    /**
     * Whether a pooled connection can carry another request: the server has not closed it meanwhile and sent
     * nothing unasked. One non-blocking read, which finds no data on a healthy idle connection.
     */
    boolean reusable() {
        if (position < limit || !channel.isOpen()) {
            return false;
        }
        try {
            channel.configureBlocking(false);
            try {
                probe.clear();
                return channel.read(probe) == 0;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            return false;
        }
    }

    void markIdle(long nowNanos) {
        idleSinceNanos = nowNanos;
    }

    boolean idleLongerThan(Duration timeout, long nowNanos) {
        return nowNanos - idleSinceNanos > timeout.toNanos();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a broken connection: nothing left to do with it
        }
    }

    private void writeHead(Request request) throws IOException {
        StringBuilder head = new StringBuilder(512);
        head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\nHost: ")
                .append(request.host()).append("\r\n");
        for (Field field : request.headers()) {
            head.append(field.name()).append(": ").append(field.value()).append("\r\n");
        }
        request.bodyLength().ifPresent(length -> head.append(length >= 0
                ? "Content-Length: " + length + "\r\n" : "Transfer-Encoding: chunked\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private UpstreamResponse readResponse(boolean headRequest, Consumer<UpstreamConnection> release)
            throws IOException {
        int[] headBytes = {0};
        while (true) {
            String statusLine = readLine(headBytes);
            int status = statusCode(statusLine);
            List<Field> fields = new ArrayList<>();
            boolean close = !statusLine.startsWith("HTTP/1.1 ");
            boolean chunked = false;
            boolean otherCoding = false;
            long length = -1;
            for (String line = readLine(headBytes); !line.isEmpty(); line = readLine(headBytes)) {
                Field field = field(line);
                fields.add(field);
                String name = field.name().toLowerCase(Locale.ROOT);
                String value = field.value().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "connection" -> close |= hasToken(value, "close");
                    case "transfer-encoding" -> {
                        // only a final "chunked" frames the body; any other coding runs until the connection closes
                        chunked = value.strip().endsWith("chunked");
                        otherCoding = !chunked;
                    }
                    case "content-length" -> length = contentLength(field.value(), length);
                    default -> {
                    }
                }
            }
            if (status >= 100 && status < 200) {
                // interim answers (103 Early Hints) carry no body; the real answer follows on the same connection
                continue;
            }
            Body body;
            if (headRequest || status == 204 || status == 304) {
                body = new Body(Framing.NONE, 0, close, release);
            } else if (chunked) {
                body = new Body(Framing.CHUNKED, 0, close, release);
            } else if (otherCoding || length < 0) {
                body = new Body(Framing.UNTIL_CLOSE, 0, true, release);
            } else {
                body = new Body(Framing.LENGTH, length, close, release);
            }
            OptionalLong declared = body.framing == Framing.LENGTH ? OptionalLong.of(length)
                    : body.framing == Framing.NONE ? OptionalLong.of(0) : OptionalLong.empty();
            return new UpstreamResponse(status, fields, body, declared);
        }
    }

    private static int statusCode(String statusLine) throws ProtocolException {
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || statusLine.charAt(8) != ' ') {
            throw new ProtocolException("not an HTTP/1.x status line from the server");
        }
        try {
            int status = Integer.parseInt(statusLine, 9, 12, 10);
            if (status < 100 || status > 599) {
                throw new ProtocolException("status " + status + " from the server");
            }
            return status;
        } catch (NumberFormatException e) {
            throw new ProtocolException("no status code in the server's status line");
        }
    }

    private static Field field(String line) throws ProtocolException {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new ProtocolException("malformed header line from the server");
        }
        String name = line.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new ProtocolException("malformed header name from the server");
            }
        }
        String value = line.substring(colon + 1).strip();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new ProtocolException("control character in a header value from the server");
            }
        }
        return new Field(name, value);
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean hasToken(String list, String token) {
        for (String part : list.split(",")) {
            if (part.strip().equals(token)) {
                return true;
            }
        }
        return false;
    }

    private static long contentLength(String value, long earlier) throws ProtocolException {
        long length;
        try {
            length = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new ProtocolException("malformed Content-Length from the server");
        }
        if (length < 0 || (earlier >= 0 && earlier != length)) {
            throw new ProtocolException("conflicting or negative Content-Length from the server");
        }
        return length;
    }

    /** A line of the answer's head without its CRLF; counts against {@link #MAX_HEAD}. */
    private String readLine(int[] headBytes) throws IOException {
        StringBuilder line = null;
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    int end = i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                    String part = new String(buffer, position, end - position, StandardCharsets.ISO_8859_1);
                    headBytes[0] += i + 1 - position;
                    position = i + 1;
                    checkHeadSize(headBytes[0]);
                    if (line == null) {
                        return part;
                    }
                    line.append(part);
                    // a CR at the end of the previous buffer belongs to this line's CRLF
                    int last = line.length() - 1;
                    if (end == i && last >= 0 && line.charAt(last) == '\r') {
                        line.setLength(last);
                    }
                    return line.toString();
                }
            }
            if (line == null) {
                line = new StringBuilder();
            }
            line.append(new String(buffer, position, limit - position, StandardCharsets.ISO_8859_1));
            headBytes[0] += limit - position;
            checkHeadSize(headBytes[0]);
            position = limit;
            if (fill() < 0) {
                throw new EOFException("the server closed the connection before answering");
            }
        }
    }

    private static void checkHeadSize(int bytes) throws ProtocolException {
        if (bytes > MAX_HEAD) {
            throw new ProtocolException("the server's answer head is larger than " + MAX_HEAD + " bytes");
        }
    }

    /** Reads more into the buffer once it is used up; -1 at the end of the stream. */
    private int fill() throws IOException {
        if (position == limit) {
            position = 0;
            limit = 0;
        }
        int read = socketIn.read(buffer, limit, buffer.length - limit);
        if (read > 0) {
            limit += read;
        }
        return read;
    }

    private enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    /**
     * The answer's body, unframed. Reaching its end hands the connection back for the next request (unless the
     * server asked to close it); closing it earlier closes the connection, as the rest of the body is still on it.
     */
    private final class Body extends InputStream {
        private final Framing framing;
        private final boolean closeAfter;
        private final Consumer<UpstreamConnection> release;
        /** Bytes left of the body (LENGTH) or of the current chunk (CHUNKED; -1 before the first chunk). */
        private long remaining;
        private boolean done;
        private boolean closed;

        Body(Framing framing, long length, boolean closeAfter, Consumer<UpstreamConnection> release) {
            this.framing = framing;
            this.closeAfter = closeAfter;
            this.release = release;
            this.remaining = framing == Framing.CHUNKED ? -1 : length;
            if (framing == Framing.NONE || (framing == Framing.LENGTH && length == 0)) {
                end();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int read = read(one, 0, 1);
            return read < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (closed) {
                throw new IOException("body already closed");
            }
            if (done) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            if (framing == Framing.CHUNKED && remaining <= 0 && !nextChunk()) {
                return -1;
            }
            if (position == limit && fill() < 0) {
                if (framing == Framing.UNTIL_CLOSE) {
                    end();
                    return -1;
                }
                throw new EOFException("the server closed the connection inside a response body");
            }
            int count = limit - position;
            if (framing != Framing.UNTIL_CLOSE) {
                count = (int) Math.min(count, remaining);
            }
            count = Math.min(count, length);
            System.arraycopy(buffer, position, target, offset, count);
            position += count;
            if (framing != Framing.UNTIL_CLOSE) {
                remaining -= count;
                if (framing == Framing.LENGTH && remaining == 0) {
                    end();
                }
            }
            return count;
        }

        /** Reads the next chunk's size line (and the CRLF ending the one before); false after the last chunk. */
        private boolean nextChunk() throws IOException {
            int[] lineBytes = {0};
            if (remaining == 0 && !readLine(lineBytes).isEmpty()) {
                throw new ProtocolException("chunk data longer than its declared size from the server");
            }
            String sizeLine = readLine(lineBytes);
            int extension = sizeLine.indexOf(';');
            String hex = (extension < 0 ? sizeLine : sizeLine.substring(0, extension)).strip();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("malformed chunk size from the server");
            }
            if (size < 0) {
                throw new ProtocolException("negative chunk size from the server");
            }
            if (size == 0) {
                // trailers are not passed on; the body ends with an empty line
                while (!readLine(lineBytes).isEmpty()) {
                    continue;
                }
                end();
                return false;
            }
            remaining = size;
            return true;
        }

        @Override
        public int available() {
            if (done || closed) {
                return 0;
            }
            int buffered = limit - position;
            return framing == Framing.UNTIL_CLOSE ? buffered : (int) Math.min(buffered, Math.max(remaining, 0));
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!done) {
                // the rest of the body is still on the wire: the connection cannot carry another request
                UpstreamConnection.this.close();
            }
        }

        private void end() {
            done = true;
            if (closeAfter) {
                UpstreamConnection.this.close();
            } else {
                release.accept(UpstreamConnection.this);
            }
        }
    }

    /** A body of declared length: the caller writes exactly that many bytes; close does not close the socket. */
    private static final class FixedBody extends OutputStream {
        private final OutputStream out;

        FixedBody(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() {
            // the connection stays open for the answer
        }
    }

    /** A body of unknown length in chunked encoding; each write is one chunk, close writes the last chunk. */
    private static final class ChunkedBody extends OutputStream {
        private final OutputStream out;

        ChunkedBody(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return;
            }
            out.write(Integer.toHexString(length).getBytes(StandardCharsets.US_ASCII));
            out.write(CRLF);
            out.write(bytes, offset, length);
            out.write(CRLF);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.write(LAST_CHUNK);
        }
    }
}
