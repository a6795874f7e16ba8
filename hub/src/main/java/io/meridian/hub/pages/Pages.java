package io.meridian.hub.pages;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.LoginRateLimiter;
import io.meridian.hub.auth.Passwords;
import io.meridian.hub.auth.Secrets;
import io.meridian.hub.auth.SessionStore;
import io.meridian.hub.auth.Token;
import io.meridian.hub.auth.TokenStore;
import io.meridian.hub.auth.oidc.KeycloakLogin;
import io.meridian.hub.servers.ServerRow;
import io.meridian.hub.servers.ServerState;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Names;
import io.meridian.hub.web.SecurityHeaders;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The hub's server-rendered pages: login and logout, home (start, stop, open servers), the
 * spawn-pending page that follows progress live, and the token page. State changes go through
 * the REST API from hub.js with the session's XSRF token; the login form uses a double-submit
 * {@code _xsrf} cookie because there is no session yet.
 */
public final class Pages implements HttpService {
    private static final String LOGIN_XSRF_COOKIE = "_xsrf";

    private final Authenticator auth;
    private final SessionStore sessions;
    private final UserStore users;
    private final TokenStore tokens;
    private final LoginRateLimiter limiter;
    private final boolean secureCookies;
    private final boolean keycloakLink;

    public Pages(Authenticator auth, SessionStore sessions, UserStore users, TokenStore tokens,
                 LoginRateLimiter limiter, boolean secureCookies) {
        this(auth, sessions, users, tokens, limiter, secureCookies, false);
    }

    /** @param keycloakLink whether the login page offers "Log in with Keycloak" */
    public Pages(Authenticator auth, SessionStore sessions, UserStore users, TokenStore tokens,
                 LoginRateLimiter limiter, boolean secureCookies, boolean keycloakLink) {
        this.auth = auth;
        this.sessions = sessions;
        this.users = users;
        this.tokens = tokens;
        this.limiter = limiter;
        this.secureCookies = secureCookies;
        this.keycloakLink = keycloakLink;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (req, res) -> Html.redirect(res, "/hub/home"))
                .get("/login", this::loginForm)
                .post("/login", this::login)
                .get("/logout", this::logout)
                .get("/home", this::home)
                .get("/spawn-pending/{user}", this::spawnPending)
                .get("/spawn-pending/{user}/", this::spawnPending)
                .get("/spawn-pending/{user}/{server}", this::spawnPending)
                .get("/spawn/{user}", this::spawnPage)
                .get("/spawn/{user}/", this::spawnPage)
                .get("/spawn/{user}/{server}", this::spawnPage)
                .get("/token", this::tokenPage)
                .get("/static/{file}", this::staticFile);
    }

    private void loginForm(ServerRequest req, ServerResponse res) {
        String next = safeNext(req.query().first("next").orElse("/hub/home"));
        if (auth.session(req.headers()).isPresent()) {
            Html.redirect(res, next);
            return;
        }
        renderLogin(res, 200, next, null);
    }

    private void renderLogin(ServerResponse res, int status, String next, String error) {
        String xsrf = Secrets.newSecret();
        res.header(HeaderNames.SET_COOKIE, cookie(LOGIN_XSRF_COOKIE, xsrf, 3600, "/hub/login"));
        String message = error == null ? "" : "<p class=\"login-error\" role=\"alert\">" + Html.esc(error) + "</p>";
        Html.send(res, status, "Log in", null, Map.of("page", "login"), "<h2>Log in</h2>" + message
                + "<form method=\"post\" action=\"/hub/login\">"
                + "<input type=\"hidden\" name=\"_xsrf\" value=\"" + xsrf + "\">"
                + "<input type=\"hidden\" name=\"next\" value=\"" + Html.esc(next) + "\">"
                + "<label for=\"username\">User name</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required>"
                + "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" "
                + "autocomplete=\"current-password\" required>"
                + "<p><input type=\"submit\" value=\"Log in\"></p></form>"
                + (keycloakLink ? KeycloakLogin.loginLinkHtml(next) : ""));
    }

    private void login(ServerRequest req, ServerResponse res) {
        Map<String, String> form = form(req);
        String next = safeNext(form.getOrDefault("next", "/hub/home"));
        String cookieXsrf = req.headers().cookies().first(LOGIN_XSRF_COOKIE).orElse(null);
        if (!Secrets.same(cookieXsrf, form.get("_xsrf"))) {
            renderLogin(res, 403, next, "Your login form expired; please try again.");
            return;
        }
        String name = form.getOrDefault("username", "").trim().toLowerCase();
        String password = form.getOrDefault("password", "");
        String address = req.remotePeer().host();
        long retryAfter = limiter.retryAfterSeconds(name, address);
        if (retryAfter > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(retryAfter));
            renderLogin(res, 429, next, "Too many failed logins for " + name + "; try again in " + retryAfter + " seconds.");
            return;
        }
        Optional<User> user = Names.isValidUser(name) ? users.find(name) : Optional.empty();
        String hash = user.flatMap(u -> users.passwordHash(u.name())).orElse(null);
        if (user.isEmpty() || !Passwords.verify(password, hash)) {
            limiter.failed(name, address);
            renderLogin(res, 403, next, "Invalid user name or password.");
            return;
        }
        limiter.succeeded(name, address);
        SessionStore.Session session = sessions.open(user.get());
        res.header(HeaderNames.SET_COOKIE, cookie(Authenticator.SESSION_COOKIE, session.cookieValue(), 14 * 86400, "/")
                + (secureCookies || !behindHttps(req) ? "" : "; Secure"));
        Html.redirect(res, next);
    }

    private void logout(ServerRequest req, ServerResponse res) {
        auth.session(req.headers()).ifPresent(s -> sessions.close(s.cookieValue()));
        res.header(HeaderNames.SET_COOKIE, cookie(Authenticator.SESSION_COOKIE, "", 0, "/"));
        Html.redirect(res, "/hub/login");
    }

    private void home(ServerRequest req, ServerResponse res) {
        Optional<SessionStore.Session> session = auth.session(req.headers());
        if (session.isEmpty()) {
            Html.redirect(res, "/hub/login?next=/hub/home");
            return;
        }
        User user = session.get().user();
        UserStore.UserDetail detail = users.detail(user, true);
        StringBuilder rows = new StringBuilder();
        boolean hasDefault = detail.servers().stream().anyMatch(s -> s.name().isEmpty());
        if (!hasDefault) {
            rows.append(serverRow(user.name(), "", ServerState.STOPPED));
        }
        for (ServerRow row : detail.servers()) {
            rows.append(serverRow(user.name(), row.name(), row.state()));
        }
        Html.send(res, 200, "Home", user.name(), meta(session.get(), "home"), "<h2>Your servers</h2>"
                + "<table><thead><tr><th>Server</th><th>State</th><th></th></tr></thead><tbody>" + rows + "</tbody></table>"
                + "<form id=\"new-server\"><label for=\"server-name\">New named server</label>"
                + "<input id=\"server-name\" name=\"name\" pattern=\"[a-z](-?[a-z0-9]){0,29}\" required> "
                + "<input type=\"submit\" value=\"Start\"></form>");
    }

    private static String serverRow(String user, String server, ServerState state) {
        String label = server.isEmpty() ? "default" : server;
        String url = ServerRow.baseUrl(user, server);
        String actions = switch (state) {
            case READY -> "<a href=\"" + Html.esc(url) + "\">Open</a> <button data-action=\"stop\" data-server=\""
                    + Html.esc(server) + "\">Stop</button>";
            case PENDING_SPAWN -> "<a href=\"/hub/spawn-pending/" + Html.esc(user) + "/" + Html.esc(server) + "\">Progress</a>";
            case PENDING_STOP -> "stopping...";
            case STOPPED -> "<button data-action=\"start\" data-server=\"" + Html.esc(server) + "\">Start</button>"
                    + (server.isEmpty() ? "" : " <button data-action=\"remove\" data-server=\"" + Html.esc(server) + "\">Remove</button>");
        };
        return "<tr><td>" + Html.esc(label) + "</td><td>" + state.db().replace('_', ' ') + "</td><td>" + actions + "</td></tr>";
    }

    // Where the proxy's "not running" page links: a start button, since a GET must not start anything.
    private void spawnPage(ServerRequest req, ServerResponse res) {
        Optional<SessionStore.Session> session = auth.session(req.headers());
        if (session.isEmpty()) {
            Html.redirect(res, "/hub/login?next=/hub/home");
            return;
        }
        String user = Names.user(req.path().pathParameters().get("user"));
        String server = Names.server(req.path().pathParameters().first("server").orElse(""));
        Map<String, String> meta = meta(session.get(), "home");
        meta.put("user", user);
        Html.send(res, 200, "Start server", session.get().user().name(), meta, "<h2>"
                + Html.esc(ServerRow.baseUrl(user, server)) + " is not running</h2><p><button data-action=\"start\" data-server=\""
                + Html.esc(server) + "\">Start it</button></p>");
    }

    private void spawnPending(ServerRequest req, ServerResponse res) {
        Optional<SessionStore.Session> session = auth.session(req.headers());
        if (session.isEmpty()) {
            Html.redirect(res, "/hub/login?next=/hub/home");
            return;
        }
        String user = Names.user(req.path().pathParameters().get("user"));
        String server = Names.server(req.path().pathParameters().first("server").orElse(""));
        String progressUrl = "/hub/api/users/" + user + (server.isEmpty() ? "/server/progress" : "/servers/" + server + "/progress");
        Map<String, String> meta = meta(session.get(), "spawn-pending");
        meta.put("progress-url", progressUrl);
        Html.send(res, 200, "Starting", session.get().user().name(), meta, "<h2>Starting "
                + Html.esc(ServerRow.baseUrl(user, server)) + "</h2><progress id=\"progress\" max=\"100\" value=\"0\"></progress>"
                + "<ol id=\"log\"></ol>");
    }

    private void tokenPage(ServerRequest req, ServerResponse res) {
        Optional<SessionStore.Session> session = auth.session(req.headers());
        if (session.isEmpty()) {
            Html.redirect(res, "/hub/login?next=/hub/token");
            return;
        }
        User user = session.get().user();
        StringBuilder rows = new StringBuilder();
        for (Token t : tokens.ofUser(user.id())) {
            rows.append("<tr><td>").append(Html.esc(t.note() == null ? "" : t.note())).append("</td><td>")
                    .append(Html.esc(String.join(" ", t.scopes()))).append("</td><td>").append(Json.time(t.created()))
                    .append("</td><td>").append(t.expiresAt() == null ? "never" : Json.time(t.expiresAt()))
                    .append("</td><td><button data-token=\"").append(t.apiId()).append("\">Revoke</button></td></tr>");
        }
        Html.send(res, 200, "Tokens", user.name(), meta(session.get(), "tokens"), "<h2>API tokens</h2>"
                + "<form id=\"new-token\"><label for=\"note\">Note</label><input id=\"note\" name=\"note\">"
                + "<label for=\"days\">Expires in days (0: never)</label><input id=\"days\" name=\"days\" type=\"number\" min=\"0\" value=\"30\">"
                + "<p><input type=\"submit\" value=\"Request new token\"></p></form>"
                + "<p hidden>Your new token (shown only now): <code class=\"secret\" id=\"new-token-value\"></code></p>"
                + "<table><thead><tr><th>Note</th><th>Scopes</th><th>Created</th><th>Expires</th><th></th></tr></thead><tbody>"
                + rows + "</tbody></table>");
    }

    private void staticFile(ServerRequest req, ServerResponse res) {
        String file = req.path().pathParameters().get("file");
        String type = switch (file) {
            case "hub.js" -> "text/javascript; charset=utf-8";
            case "hub.css" -> "text/css; charset=utf-8";
            default -> null;
        };
        if (type == null) {
            res.next();
            return;
        }
        try (InputStream in = Pages.class.getResourceAsStream("/static/" + file)) {
            SecurityHeaders.apply(res);
            res.header("Content-Type", type);
            res.send(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> meta(SessionStore.Session session, String page) {
        Map<String, String> meta = new HashMap<>();
        meta.put("page", page);
        meta.put("user", session.user().name());
        meta.put("xsrf", session.xsrf());
        return meta;
    }

    private String cookie(String name, String value, long maxAgeSeconds, String path) {
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (secureCookies ? "; Secure" : "");
    }

    // A TLS-terminating proxy in front of the hub says so in X-Forwarded-Proto.
    private static boolean behindHttps(ServerRequest req) {
        return req.isSecure() || req.headers().first(HeaderNames.X_FORWARDED_PROTO).map("https"::equalsIgnoreCase).orElse(false);
    }

    // Only local paths, so the login cannot be used to send people elsewhere.
    private static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
            return "/hub/home";
        }
        return next;
    }

    private static Map<String, String> form(ServerRequest req) {
        String body;
        try (InputStream in = req.content().inputStream()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    form.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("the form is not properly URL-encoded");
                }
            }
        }
        return form;
    }
}
