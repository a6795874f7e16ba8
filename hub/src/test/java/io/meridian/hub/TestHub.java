package io.meridian.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.web.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A real hub for tests: started in-process on a free port with its own data directory (embedded
 * database unless a JDBC URL is given), the real local spawner, and an admin API token.
 */
public final class TestHub implements AutoCloseable {
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    public static final String ADMIN_PASSWORD = "admin-password-for-tests";

    private final Main.Hub hub;
    private final Path dataDir;
    private volatile Consumer<Response> check = response -> {
    };
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestHub(Main.Hub hub, Path dataDir) {
        this.hub = hub;
        this.dataDir = dataDir;
    }

    public static TestHub start() {
        return start(tempDir(), Map.of());
    }

    /** Starts a hub on {@code dataDir}; {@code extraEnv} adds or overrides MERIDIAN_* variables. */
    public static TestHub start(Path dataDir, Map<String, String> extraEnv) {
        return start(dataDir, extraEnv, 20);
    }

    public static TestHub start(Path dataDir, Map<String, String> extraEnv, int concurrentSpawnLimit) {
        return start(dataDir, extraEnv, concurrentSpawnLimit, 60);
    }

    public static TestHub start(Path dataDir, Map<String, String> extraEnv, int concurrentSpawnLimit, int startTimeoutSeconds) {
        return start(dataDir, extraEnv, concurrentSpawnLimit, startTimeoutSeconds, 0);
    }

    /** @param cullAfterSeconds idle time after which the culler stops servers; 0 turns the culler off */
    public static TestHub start(Path dataDir, Map<String, String> extraEnv, int concurrentSpawnLimit, int startTimeoutSeconds,
                                int cullAfterSeconds) {
        return start(dataDir, extraEnv, concurrentSpawnLimit, startTimeoutSeconds, cullAfterSeconds, "");
    }

    /** @param extraYaml more top-level sections of the hub's YAML file (e.g. {@code spawner} and {@code docker}) */
    public static TestHub start(Path dataDir, Map<String, String> extraEnv, int concurrentSpawnLimit, int startTimeoutSeconds,
                                int cullAfterSeconds, String extraYaml) {
        int port = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("MERIDIAN_PORT", Integer.toString(port));
        env.put("MERIDIAN_DATA_DIR", dataDir.toString());
        env.put("MERIDIAN_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("MERIDIAN_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("MERIDIAN_JUPYTER", System.getenv().getOrDefault("MERIDIAN_JUPYTER", "/usr/bin/jupyter"));
        // the repository's catalog, which the build hands to every test (hub/pom.xml)
        Optional.ofNullable(System.getenv("MERIDIAN_CATALOG_DIR")).ifPresent(dir -> env.put("MERIDIAN_CATALOG_DIR", dir));
        env.putAll(extraEnv);
        try {
            Path config = dataDir.resolve("hub-test.yml");
            Files.createDirectories(dataDir);
            // Short waits so tests see keepalives and rate limits quickly; the culler stays out of the way.
            // Loopback unless the test needs containers to reach the hub (then its YAML names the host).
            String host = extraYaml.lines().anyMatch(l -> l.startsWith("host:")) ? "" : "host: 127.0.0.1\n";
            Files.writeString(config, host + """
                    spawn:
                      answer_within_ms: 200
                      keepalive_seconds: 1
                      start_timeout_seconds: %d
                      poll_interval_seconds: 2
                      concurrent_limit: %d
                    culler:
                      enabled: %b
                      timeout_seconds: %d
                      interval_seconds: 1
                    login:
                      max_failures: 3
                      window_seconds: 60
                    max_payload_bytes: 65536
                    """.formatted(startTimeoutSeconds, concurrentSpawnLimit, cullAfterSeconds > 0, Math.max(1, cullAfterSeconds))
                    + extraYaml);
            return new TestHub(Main.start(HubConfig.load(Optional.of(config), env)), dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("meridian-hub-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + hub.port() + path;
    }

    public HttpClient http() {
        return http;
    }

    /** An HTTP answer with the body parsed as JSON where it is JSON. */
    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }
    }

    /** Runs {@code check} on every later answer of {@link #call} and {@link #checked} (e.g. against an API document). */
    public void checkEveryResponse(Consumer<Response> check) {
        this.check = check;
    }

    /** Passes an answer of a request made outside {@link #call} through the check. */
    public Response checked(Response response) {
        check.accept(response);
        return response;
    }

    public Response call(String method, String path, String token, String body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            builder.header("Authorization", "token " + token);
        }
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return checked(new Response(response.statusCode(), response.body(), response));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path, String token) {
        return call("GET", path, token, null);
    }

    public Response post(String path, String token, String body) {
        return call("POST", path, token, body);
    }

    public Response admin(String method, String path, String body) {
        return call(method, path, ADMIN_TOKEN, body);
    }

    /** Creates a user and returns a token of theirs with the given scopes (none: inherit). */
    public String userWithToken(String name, String... scopes) {
        Response created = admin("POST", "/hub/api/users/" + name, null);
        if (created.status() != 201 && created.status() != 409) {
            throw new AssertionError("creating " + name + ": " + created.status() + " " + created.body());
        }
        String body = scopes.length == 0 ? "{}" : Json.write(Map.of("scopes", List.of(scopes)));
        Response token = admin("POST", "/hub/api/users/" + name + "/tokens", body);
        if (token.status() != 201) {
            throw new AssertionError("token for " + name + ": " + token.status() + " " + token.body());
        }
        return token.json().get("token").asText();
    }

    /** Stops every server the hub knows to be active, so no Jupyter process outlives a test. */
    public void stopAllServers() {
        Response users = get("/hub/api/users?state=active&limit=200", ADMIN_TOKEN);
        for (JsonNode user : users.json()) {
            user.get("servers").fieldNames().forEachRemaining(server -> {
                String path = server.isEmpty() ? "/server" : "/servers/" + server;
                for (int attempt = 0; attempt < 120; attempt++) {
                    Response r = admin("DELETE", "/hub/api/users/" + user.get("name").asText() + path, null);
                    if (r.status() == 204) {
                        return;
                    }
                    sleep(500);
                }
            });
        }
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the hub but leaves its servers running (as a crash or restart would). */
    @Override
    public void close() {
        hub.close();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
