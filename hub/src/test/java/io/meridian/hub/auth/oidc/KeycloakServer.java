package io.meridian.hub.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Keycloak (the Quarkus distribution that scripts/setup.d/50-keycloak.sh unpacks), started
 * once per test run with {@code kc.sh start-dev} on free ports, an in-memory database and the
 * realm from {@code keycloak/meridian-realm.json}; stopped when the run ends. Also the admin REST
 * calls the tests use to change users in Keycloak.
 */
public final class KeycloakServer implements BeforeAllCallback {
    public static final String REALM = "meridian";
    public static final String CLIENT_ID = "meridian-hub";
    public static final String CLIENT_SECRET = "meridian-hub-test-secret";
    private static final String ADMIN = "kc-bootstrap-admin";
    private static final String ADMIN_PASSWORD = "kc-bootstrap-admin-pass";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private static Running running;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The started server, with its process closed when the whole test run ends. */
    private record Running(Process process, int port, Path log) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (KeycloakServer.class) {
            if (running == null) {
                running = start();
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(KeycloakServer.class, running);
            }
        }
    }

    public static String issuer() {
        return base() + "/realms/" + REALM;
    }

    public static String base() {
        return "http://localhost:" + running.port();
    }

    private static Running start() {
        Path home = home();
        int port = freePort();
        int managementPort = freePort();
        try {
            Path imports = Files.createDirectories(home.resolve("data/import"));
            try (InputStream realm = KeycloakServer.class.getResourceAsStream("/keycloak/meridian-realm.json")) {
                Files.copy(realm, imports.resolve("meridian-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            Path log = Files.createTempFile("keycloak-test", ".log");
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--http-port", Integer.toString(port), "--http-management-port", Integer.toString(managementPort),
                    "--hostname", "http://localhost:" + port, "--db", "dev-mem", "--import-realm")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("JAVA_HOME", javaHome());
            pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
            pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            Process process = pb.start();
            Running started = new Running(process, port, log);
            // Also when the test JVM is stopped before JUnit closes its store.
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            waitUntilReady(started);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitUntilReady(Running kc) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI discovery = URI.create("http://localhost:" + kc.port() + "/realms/" + REALM + "/.well-known/openid-configuration");
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!kc.process().isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + kc.process().exitValue() + ":\n" + tail(kc.log()));
            }
            try {
                if (client.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(1000);
        }
        kc.close();
        throw new IllegalStateException("Keycloak was not ready within " + START_TIMEOUT + ":\n" + tail(kc.log()));
    }

    private static Path home() {
        String configured = System.getenv("MERIDIAN_KEYCLOAK_HOME");
        List<Path> candidates = configured != null ? List.of(Path.of(configured))
                : List.of(Path.of("/var/cache/meridian/keycloak/keycloak-26.5.5"),
                Path.of(System.getProperty("user.home"), ".cache/meridian/keycloak/keycloak-26.5.5"));
        return candidates.stream().filter(p -> Files.isExecutable(p.resolve("bin/kc.sh"))).findFirst()
                .orElseThrow(() -> new IllegalStateException("Keycloak is not installed (looked in " + candidates
                        + "): run scripts/setup.sh (its step setup.d/50-keycloak.sh downloads it)"));
    }

    private static String javaHome() {
        Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        return Files.isDirectory(temurin) ? temurin.toString() : System.getProperty("java.home");
    }

    // --- the realm's token endpoint and admin REST API, as the tests use them

    /** Tokens for a user through the password grant (enabled for the test client only). */
    public JsonNode passwordGrant(String clientId, String clientSecret, String user, String password) {
        return passwordGrantIn(REALM, clientId, clientSecret, user, password);
    }

    public JsonNode passwordGrantIn(String realm, String clientId, String clientSecret, String user, String password) {
        return form(base() + "/realms/" + realm + "/protocol/openid-connect/token", null, Map.of("grant_type", "password",
                "client_id", clientId, "client_secret", clientSecret, "username", user, "password", password,
                "scope", "openid"));
    }

    public String accessToken(String user, String password) {
        return passwordGrant(CLIENT_ID, CLIENT_SECRET, user, password).get("access_token").asText();
    }

    public void addToGroup(String user, String group) {
        admin("PUT", "/users/" + userId(user) + "/groups/" + groupId(group), null);
    }

    public void removeFromGroup(String user, String group) {
        admin("DELETE", "/users/" + userId(user) + "/groups/" + groupId(group), null);
    }

    public void grantRealmRole(String user, String role) {
        JsonNode rep = admin("GET", "/roles/" + URLEncoder.encode(role, StandardCharsets.UTF_8), null);
        admin("POST", "/users/" + userId(user) + "/role-mappings/realm", "[" + rep + "]");
    }

    public void revokeRealmRole(String user, String role) {
        JsonNode rep = admin("GET", "/roles/" + URLEncoder.encode(role, StandardCharsets.UTF_8), null);
        admin("DELETE", "/users/" + userId(user) + "/role-mappings/realm", "[" + rep + "]");
    }

    /** Adds a client to the realm (for tokens meant for another audience). */
    public void createClient(String clientJson) {
        admin("POST", "/clients", clientJson);
    }

    /** Adds users, groups or clients to the test realm (a partial import), skipping those that exist. */
    public void importPartially(String partialRealmJson) {
        admin("POST", "/partialImport", partialRealmJson);
    }

    /** How many client-credentials logins (service-account tokens) Keycloak recorded for a client. */
    public int clientLogins(String clientId) {
        return admin("GET", "/events?type=CLIENT_LOGIN&max=100000&client=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8),
                null).size();
    }

    /** Makes the test realm refuse every token issued before {@code epochSecond} (Keycloak's "not before" revocation). */
    public void revokeTokensIssuedBefore(long epochSecond) {
        send(adminRequest("PUT", "/admin/realms/" + REALM, "{\"notBefore\": " + epochSecond + "}"), "PUT realm notBefore");
    }

    /** Creates another realm from its JSON representation. */
    public void createRealm(String realmJson) {
        send(adminRequest("POST", "/admin/realms", realmJson), "POST /admin/realms");
    }

    /**
     * Gives a realm a signing key (PKCS#8 PEM) with a priority above its own keys, so Keycloak signs
     * with it from now on: a key rotation.
     */
    public void importSigningKey(String realm, String privateKeyPem, int priority) {
        String path = "/admin/realms/" + realm;
        String realmId = send(adminRequest("GET", path, null), "GET " + path).get("id").asText();
        send(adminRequest("POST", path + "/components", Json.write(Map.of("name", "imported-" + priority,
                "providerId", "rsa", "providerType", "org.keycloak.keys.KeyProvider", "parentId", realmId,
                "config", Map.of("priority", List.of(Integer.toString(priority)), "algorithm", List.of("RS256"),
                        "privateKey", List.of(privateKeyPem), "active", List.of("true"), "enabled", List.of("true"))))),
                "POST " + path + "/components");
    }

    private String userId(String user) {
        JsonNode found = admin("GET", "/users?exact=true&username=" + user, null);
        return found.get(0).get("id").asText();
    }

    private String groupId(String group) {
        for (JsonNode g : admin("GET", "/groups", null)) {
            if (g.get("name").asText().equals(group)) {
                return g.get("id").asText();
            }
        }
        throw new AssertionError("no group " + group + " in the realm");
    }

    private JsonNode admin(String method, String path, String body) {
        return send(adminRequest(method, "/admin/realms/" + REALM + path, body), method + " " + path);
    }

    private HttpRequest adminRequest(String method, String path, String body) {
        String token = form(base() + "/realms/master/protocol/openid-connect/token", null, Map.of("grant_type", "password",
                "client_id", "admin-cli", "username", ADMIN, "password", ADMIN_PASSWORD)).get("access_token").asText();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return request.build();
    }

    private JsonNode form(String url, String bearer, Map<String, String> fields) {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return send(request.build(), "POST " + url);
    }

    private JsonNode send(HttpRequest request, String what) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new AssertionError("Keycloak " + what + ": " + response.statusCode() + " " + response.body());
            }
            return response.body().isEmpty() ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
