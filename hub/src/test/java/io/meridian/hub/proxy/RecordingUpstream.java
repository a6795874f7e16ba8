package io.meridian.hub.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plain HTTP server standing where a user's Jupyter server would be, serving under {@code /user/ed/}.
 * It shows what the proxy really sends (headers, body bytes, timing), which Jupyter does not reveal.
 */
final class RecordingUpstream implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] GZIPPED_HELLO = gzip("hello, compressed world");

    final AtomicReference<Map<String, String>> lastHeaders = new AtomicReference<>();
    final CountDownLatch firstRequestChunkSeen = new CountDownLatch(1);
    final CountDownLatch releaseSlowResponse = new CountDownLatch(1);
    private final WebServer server;

    RecordingUpstream() {
        server = WebServer.builder().port(0).host("127.0.0.1").routing(routing -> routing
                .get("/user/ed/headers", (req, res) -> {
                    Map<String, String> headers = new TreeMap<>();
                    req.headers().forEach(h -> headers.put(h.name().toLowerCase(), h.values()));
                    lastHeaders.set(headers);
                    res.header(HeaderNames.CONTENT_TYPE, "application/json").send(JSON.writeValueAsString(headers));
                })
                .get("/user/ed/gzip", (req, res) -> res
                        .header(HeaderNames.CONTENT_ENCODING, "gzip")
                        .send(GZIPPED_HELLO))
                .get("/user/ed/cookies", (req, res) -> res
                        .header(HeaderNames.SET_COOKIE, "meridian-session=stolen; Path=/")
                        .header(HeaderNames.SET_COOKIE, "_xsrf=abc; Path=/user/ed/")
                        .send("ok"))
                .get("/user/ed/redirect", (req, res) -> res.status(Status.FOUND_302)
                        .header(HeaderNames.LOCATION, uri() + "/user/ed/target").send())
                .post("/user/ed/count", (req, res) -> {
                    long total = 0;
                    try (InputStream in = req.content().inputStream()) {
                        byte[] buffer = new byte[65536];
                        int read;
                        while ((read = in.read(buffer)) >= 0) {
                            total += read;
                            if (total > 0) {
                                firstRequestChunkSeen.countDown();
                            }
                        }
                    }
                    res.send(Long.toString(total));
                })
                .get("/user/ed/big/{size}", (req, res) -> {
                    long size = Long.parseLong(req.path().pathParameters().get("size"));
                    res.headers().contentLength(size);
                    byte[] block = new byte[65536];
                    try (OutputStream out = res.outputStream()) {
                        for (long sent = 0; sent < size; sent += block.length) {
                            out.write(block, 0, (int) Math.min(block.length, size - sent));
                        }
                    }
                })
                .get("/user/ed/slow", (req, res) -> {
                    try (OutputStream out = res.outputStream()) {
                        out.write("first\n".getBytes());
                        out.flush();
                        if (!releaseSlowResponse.await(20, TimeUnit.SECONDS)) {
                            out.write("never released\n".getBytes());
                        }
                        out.write("second\n".getBytes());
                    }
                }))
                .build().start();
    }

    private static byte[] gzip(String text) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    @Override
    public void close() {
        server.stop();
    }
}
