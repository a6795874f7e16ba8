package io.meridian.hub.proxy;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the proxy talks HTTP/1.1 to a server: keep-alive connections reused, connections the server closed
 * replaced, every body framing read to its exact end, and a broken answer turned into a 502.
 */
class UpstreamConnectionsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestPolicyGate gate;
    private static ProxyService proxy;
    private static WebServer hub;

    @BeforeAll
    static void startHub() {
        gate = new TestPolicyGate(Set.of());
        proxy = new ProxyService(gate, ProxySettings.defaults());
        hub = WebServer.builder().port(0).host("127.0.0.1")
                .routing(routing -> routing.register("/user", proxy))
                .build().start();
    }

    @AfterAll
    static void stopHub() {
        hub.stop();
        proxy.close();
    }

    @Test
    void keepAliveConnectionCarriesRequestAfterRequest() throws Exception {
        try (FakeWireServer server = new FakeWireServer((connection, request, head, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nreply " + request);
            return true;
        })) {
            gate.running("keep", "", server.uri(), "t");
            for (int i = 1; i <= 3; i++) {
                HttpResponse<String> response = get("keep", "/api/status");
                assertEquals(200, response.statusCode());
                assertEquals("reply " + i, response.body());
            }

            assertEquals(1, server.connections(), "one upstream connection for three sequential requests");
        }
    }

    @Test
    void connectionTheServerClosedWhileIdleIsReplaced() throws Exception {
        try (FakeWireServer server = new FakeWireServer((connection, request, head, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return false;
        })) {
            gate.running("closing", "", server.uri(), "t");

            for (int i = 0; i < 3; i++) {
                assertEquals("ok", get("closing", "/api/status").body());
            }
            assertEquals(3, server.connections());
        }
    }

    @Test
    void getIsRepeatedOnAFreshConnectionWhenAReusedOneDropsItButAPostIsNot() throws Exception {
        // the first connection answers once, then drops the next request unanswered, as a server closing an idle
        // connection at the moment the proxy reuses it would
        try (FakeWireServer server = new FakeWireServer((connection, request, head, out) -> {
            if (request > 1) {
                return false;
            }
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return true;
        })) {
            gate.running("dropping", "", server.uri(), "t");
            assertEquals("ok", get("dropping", "/first").body());

            HttpResponse<String> repeated = get("dropping", "/second");
            HttpResponse<String> notRepeated = send("dropping", "/third",
                    HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{\"run\":1}")));

            assertEquals(200, repeated.statusCode());
            assertEquals("ok", repeated.body());
            assertEquals(2, server.requestLines.stream().filter(line -> line.startsWith("GET /user/dropping/second")).count());
            assertEquals(502, notRepeated.statusCode(), notRepeated.body());
            assertEquals(1, server.requestLines.stream().filter(line -> line.startsWith("POST /user/dropping/third")).count(),
                    "a POST is never sent twice");
        }
    }

    @Test
    void chunkedAnswerIsReadToItsEndAndTheConnectionReused() throws Exception {
        try (FakeWireServer server = new FakeWireServer((connection, request, head, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: dropped\r\n\r\n");
            return true;
        })) {
            gate.running("chunks", "", server.uri(), "t");

            assertEquals("hello world", get("chunks", "/a").body());
            assertEquals("hello world", get("chunks", "/b").body());
            assertEquals(1, server.connections());
        }
    }

    @Test
    void answerWithoutLengthRunsUntilTheServerCloses() throws Exception {
        try (FakeWireServer server = new FakeWireServer((connection, request, head, out) -> {
            write(out, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it, then the connection ends");
            return false;
        })) {
            gate.running("unframed", "", server.uri(), "t");

            HttpResponse<String> response = get("unframed", "/file");

            assertEquals(200, response.statusCode());
            assertEquals("all of it, then the connection ends", response.body());
        }
    }

    @Test
    void interimAnswerIsSkippedAndHeadGetsNoBody() throws Exception {
        try (FakeWireServer server = new FakeWireServer((connection, request, head, out) -> {
            write(out, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-Kind: final\r\n\r\n"
                    + (head.startsWith("HEAD") ? "" : "body"));
            return true;
        })) {
            gate.running("interim", "", server.uri(), "t");

            HttpResponse<String> get = get("interim", "/page");
            HttpResponse<String> head = send("interim", "/page",
                    HttpRequest.newBuilder().method("HEAD", HttpRequest.BodyPublishers.noBody()));
            HttpResponse<String> again = get("interim", "/page");

            assertEquals("body", get.body());
            assertEquals("final", get.headers().firstValue("X-Kind").orElseThrow());
            assertEquals(200, head.statusCode());
            assertEquals("", head.body());
            assertEquals("body", again.body(), "the HEAD answer left nothing behind on the connection");
            assertEquals(1, server.connections());
        }
    }

    @Test
    void malformedAnswerGivesA502() throws Exception {
        try (FakeWireServer server = new FakeWireServer((connection, request, head, out) -> {
            write(out, connection == 1 ? "HTTP/1.1 200 OK\r\nNot a header line\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\nX-Injected: a\u0001b\r\nContent-Length: 0\r\n\r\n");
            return true;
        })) {
            gate.running("broken", "", server.uri(), "t");

            HttpResponse<String> badLine = get("broken", "/api/status");
            HttpResponse<String> controlCharacter = get("broken", "/api/status");

            assertEquals(502, badLine.statusCode());
            assertTrue(badLine.body().contains("\"status\":502"), badLine.body());
            assertEquals(502, controlCharacter.statusCode(), controlCharacter.body());
            assertEquals(2, server.connections(), "a connection that brought a broken answer is not used again");
        }
    }

    private static void write(OutputStream out, String text) throws java.io.IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static HttpResponse<String> get(String user, String path) throws Exception {
        return send(user, path, HttpRequest.newBuilder().GET());
    }

    private static HttpResponse<String> send(String user, String path, HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.uri(URI.create("http://127.0.0.1:" + hub.port() + "/user/" + user + path))
                .header("Cookie", "meridian-session=" + user).build(), HttpResponse.BodyHandlers.ofString());
    }
}
