package io.meridian.hub.deployments;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.meridian.nextcloud.PatternStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 200 MiB up and 200 MiB down (each with a length and chunked) through the hub's deployment proxy running in its
 * own JVM with -Xmx96m, so it cannot hold a body: both arrive whole (SHA-256 on both ends) and the owner check
 * still applies. Paths and queries pass unchanged. The upstream is a DEEPaaS stand-in in this JVM that streams
 * too; the Iris runtime keeps uploads in memory.
 */
class DeploymentProxyLargeBodiesTest {
    private static final long SIZE = 200L * 1024 * 1024;
    private static final AtomicReference<String> received = new AtomicReference<>();
    private static HttpServer upstream;
    private static Process hub;
    private static String base;
    private static String owner;
    private static String other;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startUpstreamAndBoundedHub() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/v2/models/sink/predict", DeploymentProxyLargeBodiesTest::sink);
        upstream.createContext("/v2/models/sink/download", DeploymentProxyLargeBodiesTest::source);
        upstream.createContext("/v2/models/echo", DeploymentProxyLargeBodiesTest::echo);
        upstream.createContext("/v2/models/crash", exchange -> {
            // the JDK server drops the connection without an answer, as a runtime killed mid-request would
            throw new IllegalStateException("the model crashed");
        });
        upstream.start();

        String java = ProcessHandle.current().info().command().orElse("java");
        // Surefire starts tests through a manifest-only jar; the real class path is in this property.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        hub = new ProcessBuilder(java, "-Xmx96m", "-cp", classPath, BoundedHeapDeploymentProxy.class.getName(),
                Files.createTempDirectory("dpl-large").toString(),
                "http://127.0.0.1:" + upstream.getAddress().getPort() + "/")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(hub.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
            // Helidon's start-up lines
        }
        assertTrue(line != null, "the bounded-heap proxy did not start");
        String[] ready = line.split(" ");
        base = "http://127.0.0.1:" + ready[1] + "/deployments/" + ready[4] + "/";
        owner = ready[2];
        other = ready[3];
        assertTrue(Long.parseLong(ready[5]) <= 100L * 1024 * 1024, "the proxy's JVM runs with a 96 MiB heap");
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.getOutputStream().close();
            if (!hub.waitFor(20, TimeUnit.SECONDS)) {
                hub.destroy();
            }
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    @ParameterizedTest(name = "with Content-Length: {0}")
    @ValueSource(booleans = {true, false})
    void uploadOfTwiceTheProxysHeapArrivesWholeAtTheDeployment(boolean withLength) throws Exception {
        MessageDigest digest = sha256();
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofInputStream(
                () -> new DigestInputStream(new PatternStream(SIZE, 7), digest));
        HttpRequest upload = HttpRequest.newBuilder(URI.create(base + "v2/models/sink/predict"))
                .header("Authorization", "Bearer " + owner)
                .header("Content-Type", "application/octet-stream")
                // without a length the JDK client sends it chunked
                .POST(withLength ? HttpRequest.BodyPublishers.fromPublisher(body, SIZE) : body)
                .build();
        HttpResponse<String> answer = http.send(upload, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("{\"bytes\": " + SIZE + "}", answer.body());
        assertEquals(HexFormat.of().formatHex(digest.digest()), received.get(), "the deployment got every byte in order");
    }

    @ParameterizedTest(name = "with Content-Length: {0}")
    @ValueSource(booleans = {true, false})
    void downloadOfTwiceTheProxysHeapArrivesWhole(boolean withLength) throws Exception {
        HttpRequest download = HttpRequest.newBuilder(URI.create(base + "v2/models/sink/download?seed=11"
                        + (withLength ? "" : "&chunked")))
                .header("Authorization", "Bearer " + owner).build();
        HttpResponse<InputStream> answer = http.send(download, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, answer.statusCode());
        assertEquals(withLength ? SIZE : -1, answer.headers().firstValueAsLong("Content-Length").orElse(-1));
        MessageDigest digest = sha256();
        long count = 0;
        try (InputStream in = answer.body()) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, read);
                count += read;
            }
        }
        assertEquals(SIZE, count);
        assertEquals(generated(11), HexFormat.of().formatHex(digest.digest()), "the caller got every byte in order");
    }

    @Test
    void anotherUsersUploadIsRefusedBeforeItReachesTheDeployment() throws Exception {
        received.set(null);
        HttpRequest upload = HttpRequest.newBuilder(URI.create(base + "v2/models/sink/predict"))
                .header("Authorization", "Bearer " + other)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        HttpResponse<String> answer = http.send(upload, HttpResponse.BodyHandlers.ofString());
        assertEquals(404, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("no deployment '0123456789ab'"), answer.body());
        assertEquals(null, received.get(), "nothing reached the deployment");
    }

    @Test
    void pathAndQueryReachTheDeploymentExactlyAsSent() throws Exception {
        String pathAndQuery = "v2/models/echo/a%20b%2Fc?a=1&a=2&flag&b=%20c+d&e=%26%3D";
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .header("Authorization", "Bearer " + owner).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("/" + pathAndQuery, answer.body());
    }

    @Test
    void aDeploymentThatDropsTheConnectionIsA502ThatSaysSo() throws Exception {
        for (String method : new String[] {"GET", "POST"}) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "v2/models/crash/predict"))
                    .header("Authorization", "Bearer " + owner)
                    .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString("{\"x\": 1}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(502, answer.statusCode(), method + " " + answer.body());
            assertTrue(answer.body().contains("\"message\":\"deployment 0123456789ab did not answer ("),
                    method + " " + answer.body());
        }
    }

    /** Answers with the raw path and query it was asked for. */
    private static void echo(HttpExchange exchange) throws IOException {
        byte[] body = (exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery())
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Reads the request body as it comes, keeping only its digest. */
    private static void sink(HttpExchange exchange) throws IOException {
        MessageDigest digest = sha256();
        long count = 0;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, read);
                count += read;
            }
        }
        received.set(HexFormat.of().formatHex(digest.digest()));
        byte[] body = ("{\"bytes\": " + count + "}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Writes SIZE generated bytes, with their length or ({@code &chunked}) without. */
    private static void source(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        long seed = Long.parseLong(query.replace("&chunked", "").replace("seed=", ""));
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, query.endsWith("&chunked") ? 0 : SIZE);
        try (InputStream in = new PatternStream(SIZE, seed); OutputStream out = exchange.getResponseBody()) {
            in.transferTo(out);
        }
    }

    /** The digest of what {@link #source} sends for {@code seed}, generated the same way. */
    private static String generated(long seed) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new PatternStream(SIZE, seed);
             OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
