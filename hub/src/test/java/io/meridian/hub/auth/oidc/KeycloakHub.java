package io.meridian.hub.auth.oidc;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.LoginRateLimiter;
import io.meridian.hub.auth.SessionStore;
import io.meridian.hub.auth.TokenStore;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.db.Database;
import io.meridian.hub.groups.GroupStore;
import io.meridian.hub.groups.GroupsApi;
import io.meridian.hub.pages.Pages;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.ErrorHandling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A hub logging in through the test Keycloak: the hub's own stores, pages and API services with
 * the Keycloak login registered in front of the pages, as Main wires them.
 */
final class KeycloakHub implements AutoCloseable {
    private final WebServer server;
    private final Database db;

    private KeycloakHub(WebServer server, Database db) {
        this.server = server;
        this.db = db;
    }

    /** Starts a hub for the test realm; {@code extraEnv} adds MERIDIAN_KEYCLOAK_* settings. */
    static KeycloakHub start(Map<String, String> extraEnv) {
        int port = KeycloakServer.freePort();
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("meridian-oidc-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = new HashMap<>(env());
        env.putAll(extraEnv);
        OidcSettings settings = OidcSettings.load(Config.empty(), env, "http://127.0.0.1:" + port).orElseThrow();
        Database db = Database.open(HubConfig.embedded(dataDir));
        UserStore users = new UserStore(db);
        SessionStore sessions = new SessionStore(db);
        TokenStore tokens = new TokenStore(db);
        GroupStore groups = new GroupStore(db);
        KeycloakAuth keycloak = KeycloakAuth.create(settings, users, groups);
        Authenticator auth = new Authenticator(tokens, sessions, users);
        Pages pages = new Pages(auth, sessions, users, tokens, new LoginRateLimiter(5, Duration.ofMinutes(5), Clock.systemUTC()),
                false);
        WebServer server = WebServer.builder().host("127.0.0.1").port(port)
                .routing(routing -> {
                    ErrorHandling.register(routing);
                    routing.register("/hub/api", new GroupsApi(auth, groups));
                    routing.get("/hub/api/user", (req, res) -> {
                        var caller = auth.api(req);
                        Json.ok(res, Map.of("name", caller.name(), "admin", caller.user().admin(),
                                "groups", users.groupsOf(caller.user().id())));
                    });
                    routing.register("/hub", keycloak.login(sessions, auth, false), pages);
                    routing.any(ErrorHandling::notFound);
                })
                .build().start();
        return new KeycloakHub(server, db);
    }

    /** The settings every test hub shares: the test realm and its confidential client. */
    static Map<String, String> env() {
        return Map.of("MERIDIAN_KEYCLOAK_ISSUER", KeycloakServer.issuer(),
                "MERIDIAN_KEYCLOAK_CLIENT_ID", KeycloakServer.CLIENT_ID,
                "MERIDIAN_KEYCLOAK_CLIENT_SECRET", KeycloakServer.CLIENT_SECRET);
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.stop();
        db.close();
    }
}
