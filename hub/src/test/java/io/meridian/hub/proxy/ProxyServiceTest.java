package io.meridian.hub.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy in a real Helidon server, in front of real Jupyter servers and a recording HTTP server. */
class ProxyServiceTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final String ALICE = "meridian-session=alice";

    private static RunningJupyter aliceDefault;
    private static RunningJupyter aliceGpu;
    private static RecordingUpstream recorder;
    private static TestPolicyGate gate;
    private static ProxyService proxy;
    private static WebServer hub;

    @BeforeAll
    static void startServers() throws Exception {
        var root = RunningJupyter.tempRoot();
        aliceDefault = RunningJupyter.start(root, "alice", "");
        aliceGpu = RunningJupyter.start(root, "alice", "gpu");
        recorder = new RecordingUpstream();
        gate = new TestPolicyGate(Set.of("root"));
        gate.running("alice", "", aliceDefault.upstream(), aliceDefault.token());
        gate.running("alice", "gpu", aliceGpu.upstream(), aliceGpu.token());
        gate.stopped("alice", "stopped");
        gate.running("ed", "", recorder.uri(), "ed-server-token");
        gate.running("dora", "", URI.create("http://127.0.0.1:" + closedPort()), "t");
        proxy = new ProxyService(gate, ProxySettings.defaults());
        hub = WebServer.builder().port(0).host("127.0.0.1")
                .routing(routing -> routing.register("/user", proxy))
                .addRouting(proxy.webSocketRouting())
                .build().start();
    }

    @AfterAll
    static void stopServers() throws Exception {
        hub.stop();
        proxy.close();
        recorder.close();
        aliceGpu.close();
        aliceDefault.close();
    }

    @Test
    void restCallReachesTheUsersServerWithTheServerToken() throws Exception {
        HttpResponse<String> direct = get("http://127.0.0.1:" + aliceDefault.upstream().getPort() + "/user/alice/api/status", Map.of());
        HttpResponse<String> proxied = get(hubUrl("/user/alice/api/status"), Map.of("Cookie", ALICE));

        assertEquals(403, direct.statusCode(), "without the token Jupyter refuses");
        assertEquals(200, proxied.statusCode(), proxied.body());
        assertTrue(json(proxied).has("started"), proxied.body());
    }

    @Test
    void namedServerIsChosenByItsPathSegment() throws Exception {
        HttpResponse<String> named = get(hubUrl("/user/alice/gpu/api/status"), Map.of("Cookie", ALICE));
        HttpResponse<String> defaultServersPath = get(hubUrl("/user/alice/nosuchserver/x"), Map.of("Cookie", ALICE));
        HttpResponse<String> stopped = get(hubUrl("/user/alice/stopped/api/status"), Map.of("Cookie", ALICE));

        assertEquals(200, named.statusCode(), named.body());
        assertEquals(404, defaultServersPath.statusCode(), "an unknown segment is a path on the default server");
        assertEquals(503, stopped.statusCode());
    }

    @Test
    void kernelExecutesOverTheProxiedWebSocket() throws Exception {
        HttpResponse<String> created = send("POST", hubUrl("/user/alice/api/kernels"), Map.of("Cookie", ALICE),
                HttpRequest.BodyPublishers.ofString("{\"name\":\"python3\"}"));
        assertEquals(201, created.statusCode(), created.body());
        String kernelId = json(created).path("id").asText();

        URI channels = URI.create("ws://127.0.0.1:" + hub.port() + "/user/alice/api/kernels/" + kernelId + "/channels");
        try (KernelMessages kernel = KernelMessages.connect(HTTP, channels,
                Map.of("Cookie", ALICE, "Origin", "http://127.0.0.1:" + hub.port()))) {
            assertEquals("2", kernel.execute("1+1", Duration.ofSeconds(60)));
            assertEquals("'x' * 3 = xxx", kernel.execute("\"'x' * 3 = \" + 'x' * 3", Duration.ofSeconds(30))
                    .replaceAll("^\"|\"$", ""));

            assertEquals(1, connections(kernelId), "one channel open on the server");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (connections(kernelId) != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(0, connections(kernelId), "the browser's close reaches the server");
    }

    private static int connections(String kernelId) throws Exception {
        HttpResponse<String> kernel = get(hubUrl("/user/alice/api/kernels/" + kernelId), Map.of("Cookie", ALICE));
        return json(kernel).path("connections").asInt(-1);
    }

    @Test
    void webSocketFromAnotherSiteOrWithoutRightsIsRefused() throws Exception {
        String kernelId = aliceDefault.startKernel();
        URI channels = URI.create("ws://127.0.0.1:" + hub.port() + "/user/alice/api/kernels/" + kernelId + "/channels");

        CompletionException crossSite = assertThrows(CompletionException.class, () -> KernelMessages.connect(HTTP,
                channels, Map.of("Cookie", ALICE, "Origin", "https://evil.example")));
        CompletionException otherUser = assertThrows(CompletionException.class, () -> KernelMessages.connect(HTTP,
                channels, Map.of("Cookie", "meridian-session=mallory")));

        CompletionException noSuchKernel = assertThrows(CompletionException.class, () -> KernelMessages.connect(HTTP,
                URI.create("ws://127.0.0.1:" + hub.port() + "/user/alice/api/kernels/nope/channels"),
                Map.of("Cookie", ALICE)));

        // Helidon answers a declined upgrade with 400 or routes it to the proxy's HTTP side (403, 502, ...);
        // a browser's WebSocket API shows no status either way
        for (CompletionException refused : List.of(crossSite, otherUser, noSuchKernel)) {
            int status = ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode();
            assertTrue(status >= 400 && status < 600, "refused with " + status);
        }
        try (KernelMessages sameSite = KernelMessages.connect(HTTP, channels,
                Map.of("Cookie", ALICE, "Origin", "http://127.0.0.1:" + hub.port()))) {
            assertEquals("3", sameSite.execute("1+2", Duration.ofSeconds(60)));
        }
    }

    @Test
    void eachGateDecisionHasItsAnswer() throws Exception {
        HttpResponse<String> browserWithoutSession = get(hubUrl("/user/alice/tree?x=1"), Map.of("Accept", "text/html"));
        HttpResponse<String> apiWithoutToken = get(hubUrl("/user/alice/api/status"), Map.of());
        HttpResponse<String> otherUserApi = get(hubUrl("/user/alice/api/status"), Map.of("Authorization", "token user-bob"));
        HttpResponse<String> otherUserBrowser = get(hubUrl("/user/alice/tree"),
                Map.of("Cookie", "meridian-session=bob", "Accept", "text/html"));
        HttpResponse<String> adminApi = get(hubUrl("/user/alice/api/status"), Map.of("Authorization", "token user-root"));
        HttpResponse<String> notRunningBrowser = get(hubUrl("/user/alice/stopped/tree"),
                Map.of("Cookie", ALICE, "Accept", "text/html"));
        HttpResponse<String> notRunningApi = get(hubUrl("/user/alice/stopped/api/status"), Map.of("Cookie", ALICE));

        assertEquals(302, browserWithoutSession.statusCode());
        assertEquals("/hub/login?next=%2Fuser%2Falice%2Ftree%3Fx%3D1",
                browserWithoutSession.headers().firstValue("Location").orElseThrow());
        assertEquals(401, apiWithoutToken.statusCode());
        assertEquals(401, json(apiWithoutToken).path("status").asInt());
        assertEquals(403, otherUserApi.statusCode());
        assertEquals("bob may not use alice's server", json(otherUserApi).path("message").asText());
        assertEquals(403, otherUserBrowser.statusCode());
        assertTrue(otherUserBrowser.body().contains("<h1>Forbidden</h1>"), otherUserBrowser.body());
        assertEquals(200, adminApi.statusCode());
        assertEquals(503, notRunningBrowser.statusCode());
        assertTrue(notRunningBrowser.body().contains("href=\"/hub/spawn/alice/stopped\""), notRunningBrowser.body());
        assertEquals(503, notRunningApi.statusCode());
        assertEquals(503, json(notRunningApi).path("status").asInt());
    }

    @Test
    void serverThatDoesNotAnswerGivesA503NotAStackTrace() throws Exception {
        HttpResponse<String> api = get(hubUrl("/user/dora/api/status"), Map.of("Cookie", "meridian-session=dora"));
        HttpResponse<String> page = get(hubUrl("/user/dora/tree"),
                Map.of("Cookie", "meridian-session=dora", "Accept", "text/html"));

        assertEquals(503, api.statusCode());
        assertTrue(json(api).path("message").asText().contains("not responding"), api.body());
        assertEquals(503, page.statusCode());
        assertTrue(page.body().contains("Server is not responding"), page.body());
        assertFalse(page.body().contains("Exception"));
    }

    @Test
    void hubCredentialsStayInTheHubAndTheServerTokenIsAdded() throws Exception {
        HttpResponse<String> response = get(hubUrl("/user/ed/headers"), Map.of(
                "Cookie", "meridian-session=ed; _xsrf=keep; meridian-other=x",
                "X-Custom", "passes"));
        assertEquals(200, response.statusCode());
        Map<String, String> seen = recorder.lastHeaders.get();

        assertEquals("token ed-server-token", seen.get("authorization"));
        assertEquals("_xsrf=keep", seen.get("cookie"));
        assertEquals("passes", seen.get("x-custom"));
        assertEquals("127.0.0.1", seen.get("x-forwarded-for"));
        assertEquals("http", seen.get("x-forwarded-proto"));
        assertEquals("127.0.0.1:" + hub.port(), seen.get("x-forwarded-host"));

        HttpResponse<String> apiCaller = get(hubUrl("/user/ed/headers"), Map.of("Authorization", "token user-ed"));
        assertEquals(200, apiCaller.statusCode());
        assertEquals("token ed-server-token", recorder.lastHeaders.get().get("authorization"),
                "the caller's own token is replaced, never forwarded");
    }

    @Test
    void serverCannotSetHubCookiesAndItsRedirectsStayOnTheHub() throws Exception {
        HttpResponse<String> cookies = get(hubUrl("/user/ed/cookies"), Map.of("Cookie", "meridian-session=ed"));
        HttpResponse<String> redirect = get(hubUrl("/user/ed/redirect"), Map.of("Cookie", "meridian-session=ed"));

        assertEquals(List.of("_xsrf=abc; Path=/user/ed/"), cookies.headers().allValues("set-cookie"));
        assertEquals("/user/ed/target", redirect.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void compressedBodiesPassUntouched() throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(hubUrl("/user/ed/gzip")))
                .header("Cookie", "meridian-session=ed").header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElseThrow());
        assertArrayEquals(RecordingUpstream.GZIPPED_HELLO, response.body());
    }

    @Test
    void largeBodiesStreamThroughBothWays() throws Exception {
        long size = 96L * 1024 * 1024;
        HttpResponse<String> upload = send("POST", hubUrl("/user/ed/count"), Map.of("Cookie", "meridian-session=ed"),
                HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> zeros(size)), size));
        HttpResponse<InputStream> download = HTTP.send(HttpRequest.newBuilder(URI.create(hubUrl("/user/ed/big/" + size)))
                .header("Cookie", "meridian-session=ed").build(), HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(Long.toString(size), upload.body());
        long received;
        try (InputStream in = download.body()) {
            received = in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertEquals(size, received);
    }

    @Test
    void requestBodyReachesTheServerBeforeTheCallerHasSentAllOfIt() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", hub.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /user/ed/count HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: meridian-session=ed\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n10000\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[0x10000]);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // a buffering proxy would wait for the whole body, and the server would never see the first byte
            assertTrue(recorder.firstRequestChunkSeen.await(20, TimeUnit.SECONDS),
                    "the server got the first chunk while the rest was held back");
            out.write("1\r\nb\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine();
            int length = -1;
            for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                read += in.read(body, read, length - read);
            }

            assertEquals("HTTP/1.1 200 OK", status);
            assertEquals(Integer.toString(0x10000 + 1), new String(body));
        }
    }

    @Test
    void responseBodyReachesTheCallerWhileTheServerIsStillWriting() throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(hubUrl("/user/ed/slow")))
                .header("Cookie", "meridian-session=ed").build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertEquals("first", lines.readLine());
            recorder.releaseSlowResponse.countDown();
            assertEquals("second", lines.readLine());
        }
    }

    @Test
    void trafficIsRecordedAsActivityAtMostOncePerInterval() throws Exception {
        int before = (int) gate.activity.stream().filter("alice/gpu"::equals).count();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, get(hubUrl("/user/alice/gpu/api/status"), Map.of("Cookie", ALICE)).statusCode());
        }
        long after = gate.activity.stream().filter("alice/gpu"::equals).count();

        assertTrue(after >= 1, "activity recorded");
        assertTrue(after - before <= 1, "throttled: " + (after - before) + " records for 5 requests");
    }

    @Test
    void baseUrlWithoutTrailingSlashRedirects() throws Exception {
        HttpResponse<String> response = get(hubUrl("/user/alice/gpu"), Map.of("Cookie", ALICE));

        assertEquals(302, response.statusCode());
        assertEquals("/user/alice/gpu/", response.headers().firstValue("Location").orElseThrow());
    }

    private static String hubUrl(String path) {
        return "http://127.0.0.1:" + hub.port() + path;
    }

    private static HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
        return send("GET", url, headers, HttpRequest.BodyPublishers.noBody());
    }

    private static HttpResponse<String> send(String method, String url, Map<String, String> headers,
                                             HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method, body);
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertInstanceOf(String.class, response.body());
        return KernelMessages.JSON.readTree(response.body());
    }

    private static InputStream zeros(long size) {
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
