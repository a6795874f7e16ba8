package io.meridian.hub.storage;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpService;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.SessionStore;
import io.meridian.hub.auth.TokenStore;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.db.Database;
import io.meridian.hub.servers.ServerStore;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.users.UsersApi;
import io.meridian.hub.web.ErrorHandling;
import io.meridian.hub.web.HubListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * A real Helidon server with the hub's real authenticator and embedded database, serving the
 * platform services under test at /api/v1 (and the hub's users API at /hub/api, for "who am I").
 * Users get real API tokens.
 */
public final class TestPlatformServer implements AutoCloseable {
    private final Database db;
    private final WebServer server;
    private final UserStore users;
    private final TokenStore tokens;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestPlatformServer(Database db, WebServer server, UserStore users, TokenStore tokens) {
        this.db = db;
        this.server = server;
        this.users = users;
        this.tokens = tokens;
    }

    /** What the services under test may be built from: the authenticator and the hub's database. */
    public record Backing(Authenticator auth, Database db, UserStore users) {
    }

    /** Starts the services that {@code services} builds from the authenticator. */
    public static TestPlatformServer start(Path dataDir, Function<Authenticator, List<HttpService>> services) {
        return startWith(dataDir, backing -> services.apply(backing.auth()));
    }

    /** Starts the services that {@code services} builds from the authenticator and the database. */
    public static TestPlatformServer startWith(Path dataDir, Function<Backing, List<HttpService>> services) {
        Database db = Database.open(HubConfig.embedded(dataDir));
        UserStore users = new UserStore(db);
        TokenStore tokens = new TokenStore(db);
        Authenticator auth = new Authenticator(tokens, new SessionStore(db), users);
        List<HttpService> built = services.apply(new Backing(auth, db, users));
        // the hub's listener settings, so that benchmarks on this server measure what the hub runs
        WebServer server = HubListener.builder()
                .host("127.0.0.1")
                .port(0)
                .directHandlers(ErrorHandling.directHandlers())
                .routing(routing -> {
                    ErrorHandling.register(routing);
                    routing.register("/api/v1", built.toArray(HttpService[]::new));
                    routing.register("/hub/api", new UsersApi(auth, users, new ServerStore(db)));
                    routing.any(ErrorHandling::notFound);
                })
                .build()
                .start();
        return new TestPlatformServer(db, server, users, tokens);
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("meridian-platform-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a user and returns an API token with the given scopes ("self" for a server's token). */
    public String tokenFor(String name, boolean admin, List<String> scopes) {
        User user = users.find(name).orElseGet(() -> users.create(List.of(name), admin).get(0));
        return tokens.issue(user.id(), scopes, "test", null).secret();
    }

    public URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    public int port() {
        return server.port();
    }

    public HttpRequest.Builder request(String token, String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(pathAndQuery)).timeout(Duration.ofMinutes(5));
        return token == null ? b : b.header("Authorization", "token " + token);
    }

    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> send(HttpRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.stop();
        db.close();
    }
}
