package io.meridian.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole product from the outside: the packaged hub jar as its own process, a browser-like
 * client that logs in, starts its server, follows the progress stream to ready, opens the server
 * through the hub's proxy, starts a Meridian Java kernel and runs Java cells over the proxied
 * WebSocket (one of them calling back into the hub through the preloaded platform API), then
 * stops the server.
 */
class EndToEndIT {
    private static final String PASSWORD = "e2e-admin-password";
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private Process hub;
    private Path log;

    @AfterEach
    void stopHub() throws Exception {
        if (hub != null) {
            hub.destroy();
            if (!hub.waitFor(20, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
    }

    @Test
    void logInStartServerRunJavaCellThroughTheProxyAndStop() throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        startHubJar(port);

        String session = logIn(base);
        String xsrf = xsrfOf(base, session);

        HttpResponse<String> start = send(base, "POST", "/hub/api/users/admin/server", session, xsrf, "{}");
        assertTrue(start.statusCode() == 201 || start.statusCode() == 202, start.statusCode() + " " + start.body());

        List<JsonNode> events = progress(base + "/hub/api/users/admin/server/progress", session);
        JsonNode last = events.getLast();
        assertTrue(last.path("ready").asBoolean(), "spawn did not become ready: " + events + "\n" + tail());
        assertEquals("/user/admin/", last.get("url").asText());

        HttpResponse<String> status = send(base, "GET", "/user/admin/api/status", session, null, null);
        assertEquals(200, status.statusCode(), status.body());
        HttpResponse<String> specs = send(base, "GET", "/user/admin/api/kernelspecs", session, null, null);
        assertTrue(Json.MAPPER.readTree(specs.body()).at("/kernelspecs/meridian-java").isObject(),
                "the hub installed the Meridian kernelspec for its servers: " + specs.body());

        HttpResponse<String> created = send(base, "POST", "/user/admin/api/sessions", session, null, Json.write(Map.of(
                "path", "e2e.ipynb", "name", "e2e.ipynb", "type", "notebook", "kernel", Map.of("name", "meridian-java"))));
        assertEquals(201, created.statusCode(), created.body());
        String kernelId = Json.MAPPER.readTree(created.body()).at("/kernel/id").asText();

        String output = runCell("ws://127.0.0.1:" + port + "/user/admin/api/kernels/" + kernelId + "/channels", session,
                "int answer = 6 * 7;\nSystem.out.println(\"answer=\" + answer);");
        assertTrue(output.contains("answer=42"), "kernel output: " + output);
        // The platform extension is preloaded and talks to this hub with the server's own API token.
        String me = runCell("ws://127.0.0.1:" + port + "/user/admin/api/kernels/" + kernelId + "/channels", session,
                "System.out.println(\"me=\" + platform.me().name());");
        assertTrue(me.contains("me=admin"), "platform call from the kernel: " + me);

        HttpResponse<String> stop = send(base, "DELETE", "/hub/api/users/admin/server", session, xsrf, null);
        assertTrue(stop.statusCode() == 204 || stop.statusCode() == 202, stop.statusCode() + " " + stop.body());
        Instant deadline = Instant.now().plusSeconds(60);
        while (!Json.MAPPER.readTree(send(base, "GET", "/hub/api/users/admin", session, null, null).body()).at("/servers").isEmpty()) {
            assertTrue(Instant.now().isBefore(deadline), "server did not stop");
            Thread.sleep(300);
        }
        assertEquals(503, send(base, "GET", "/user/admin/api/status", session, null, null).statusCode());
    }

    private void startHubJar(int port) throws Exception {
        Path jar = Path.of(System.getProperty("meridian.hub.jar", "target/meridian-hub.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "hub jar missing: " + jar);
        Path data = Files.createTempDirectory("meridian-e2e");
        log = data.resolve("hub.log");
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("MERIDIAN_PORT", Integer.toString(port));
        pb.environment().put("MERIDIAN_DATA_DIR", data.toString());
        pb.environment().put("MERIDIAN_ADMIN_PASSWORD", PASSWORD);
        hub = pb.start();
        Instant deadline = Instant.now().plusSeconds(90);
        while (true) {
            assertTrue(hub.isAlive(), "hub exited: " + tail());
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hub/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                assertTrue(Instant.now().isBefore(deadline), "hub did not answer within 90 s: " + tail());
            }
            Thread.sleep(300);
        }
    }

    private String logIn(String base) throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/hub/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("name=\"_xsrf\" value=\"([0-9a-f]+)\"").matcher(form.body());
        assertTrue(m.find());
        String body = "_xsrf=" + m.group(1) + "&username=admin&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
                + "&next=%2Fhub%2Fhome";
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/hub/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "_xsrf=" + m.group(1))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, login.statusCode(), login.body());
        String setCookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("meridian-session="))
                .findFirst().orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private String xsrfOf(String base, String session) throws Exception {
        HttpResponse<String> home = send(base, "GET", "/hub/home", session, null, null);
        Matcher m = Pattern.compile("name=\"xsrf\" content=\"([0-9a-f]+)\"").matcher(home.body());
        assertTrue(m.find(), home.body());
        return m.group(1);
    }

    private HttpResponse<String> send(String base, String method, String path, String session, String xsrf, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Cookie", session)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (xsrf != null) {
            b.header("X-XSRFToken", xsrf);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<JsonNode> progress(String url, String session) throws Exception {
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Cookie", session).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        List<JsonNode> events = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.startsWith("data:")) {
                    JsonNode event = Json.MAPPER.readTree(line.substring(5).trim());
                    events.add(event);
                    if (event.path("ready").asBoolean() || event.path("failed").asBoolean()) {
                        break;
                    }
                }
            }
        }
        return events;
    }

    /** Sends one execute_request over the kernel's WebSocket and returns its stdout once the reply arrives. */
    private String runCell(String wsUrl, String session, String code) throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocket ws = http.newWebSocketBuilder().header("Cookie", session).connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            messages.add(partial.toString());
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        String msgId = UUID.randomUUID().toString();
        Map<String, Object> header = Map.of("msg_id", msgId, "username", "admin", "session", UUID.randomUUID().toString(),
                "msg_type", "execute_request", "version", "5.3", "date", Instant.now().toString());
        Map<String, Object> content = Map.of("code", code, "silent", false, "store_history", true,
                "user_expressions", Map.of(), "allow_stdin", false, "stop_on_error", true);
        ws.sendText(Json.write(Map.of("header", header, "parent_header", Map.of(), "metadata", Map.of(),
                "content", content, "channel", "shell", "buffers", List.of())), true).get(10, TimeUnit.SECONDS);
        StringBuilder stdout = new StringBuilder();
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            String raw = messages.poll(1, TimeUnit.SECONDS);
            if (raw == null) {
                continue;
            }
            JsonNode msg = Json.MAPPER.readTree(raw);
            if (!msgId.equals(msg.at("/parent_header/msg_id").asText())) {
                continue;
            }
            String type = msg.at("/header/msg_type").asText();
            if (type.equals("stream")) {
                stdout.append(msg.at("/content/text").asText());
            } else if (type.equals("execute_reply")) {
                assertEquals("ok", msg.at("/content/status").asText(), raw);
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
                return stdout.toString();
            }
        }
        throw new AssertionError("no execute_reply within 120 s; output so far: " + stdout + "\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no hub log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
