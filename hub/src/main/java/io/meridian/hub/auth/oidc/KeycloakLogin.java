package io.meridian.hub.auth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.SessionStore;
import io.meridian.hub.users.User;
import io.meridian.hub.pages.Html;
import io.meridian.hub.web.SecurityHeaders;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Browser login through Keycloak: {@code /hub/oauth_login} sends the browser to the realm
 * (authorization code with PKCE S256, state and nonce), {@code /hub/oauth_callback} checks what
 * comes back and opens a hub session, {@code /hub/oauth_refresh} re-reads roles and groups with
 * the refresh token, and {@code /hub/logout} ends both the hub and the Keycloak session. With
 * local login turned off it also answers {@code /hub/login}. Registered under {@code /hub} before
 * the hub's own pages, which get every request this service passes on.
 */
public final class KeycloakLogin implements HttpService {
    static final String BROWSER_COOKIE = "meridian-oidc";
    private static final System.Logger LOG = System.getLogger(KeycloakLogin.class.getName());

    private final KeycloakClient keycloak;
    private final JwtVerifier verifier;
    private final ClaimMapping mapping;
    private final AccountSync accounts;
    private final PendingLogins pending;
    private final OidcSessions tokens;
    private final SessionStore sessions;
    private final Authenticator auth;
    private final boolean secureCookies;

    public KeycloakLogin(KeycloakClient keycloak, JwtVerifier verifier, ClaimMapping mapping, AccountSync accounts,
                         PendingLogins pending, OidcSessions tokens, SessionStore sessions, Authenticator auth,
                         boolean secureCookies) {
        this.keycloak = keycloak;
        this.verifier = verifier;
        this.mapping = mapping;
        this.accounts = accounts;
        this.pending = pending;
        this.tokens = tokens;
        this.sessions = sessions;
        this.auth = auth;
        this.secureCookies = secureCookies;
    }

    /** The login page's link to this flow (hub-core's login page shows it when Keycloak is configured). */
    public static String loginLinkHtml(String next) {
        // URL-encoded, the value holds no character that HTML would read.
        return "<p class=\"keycloak-login\"><a href=\"/hub/oauth_login?next=" + KeycloakClient.enc(next)
                + "\">Log in with Keycloak</a></p>";
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/oauth_login", this::start)
                .get("/oauth_callback", this::callback)
                .get("/oauth_refresh", this::refresh)
                .get("/logout", this::logout)
                .get("/login", this::loginPage)
                .post("/login", this::localLogin);
    }

    private void start(ServerRequest req, ServerResponse res) {
        String next = safeNext(req.query().first("next").orElse("/hub/home"));
        KeycloakClient.Metadata endpoints;
        try {
            endpoints = keycloak.metadata();
        } catch (OidcException e) {
            LOG.log(System.Logger.Level.WARNING, "Keycloak login unavailable: " + e.getMessage());
            page(res, 503, "Keycloak is not available", e.getMessage(), "/hub/oauth_login?next=" + KeycloakClient.enc(next));
            return;
        }
        Optional<PendingLogins.Pending> started = pending.start(next);
        if (started.isEmpty()) {
            page(res, 503, "Too many logins in progress", "Please try again in a minute.", "/hub/login");
            return;
        }
        PendingLogins.Pending login = started.get();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", keycloak.settings().clientId());
        query.put("redirect_uri", keycloak.settings().callbackUrl());
        query.put("scope", "openid profile email");
        query.put("state", login.state());
        query.put("nonce", login.nonce());
        query.put("code_challenge", login.codeChallenge());
        query.put("code_challenge_method", "S256");
        res.header(HeaderNames.SET_COOKIE, cookie(req, BROWSER_COOKIE, login.browser(), 600, "/hub/oauth_callback"));
        redirect(res, endpoints.authorizationEndpoint() + "?" + form(query));
    }

    private void callback(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.SET_COOKIE, cookie(req, BROWSER_COOKIE, "", 0, "/hub/oauth_callback"));
        String state = req.query().first("state").orElse(null);
        String browser = Authenticator.cookie(req.headers(), BROWSER_COOKIE).orElse(null);
        Optional<PendingLogins.Pending> login = pending.take(state, browser);
        if (login.isEmpty()) {
            page(res, 400, "This login has expired", "The login was already completed, took too long, or was started "
                    + "in another browser. Please log in again.", "/hub/oauth_login");
            return;
        }
        String next = login.get().next();
        Optional<String> error = req.query().first("error").asOptional();
        if (error.isPresent()) {
            page(res, 403, "Keycloak did not log you in", "Keycloak answered: " + printable(error.get()) + " "
                    + printable(req.query().first("error_description").orElse("")), retry(next));
            return;
        }
        String code = req.query().first("code").orElse("");
        if (code.isEmpty()) {
            page(res, 400, "Keycloak did not log you in", "The answer from Keycloak has no authorization code.", retry(next));
            return;
        }
        KeycloakClient.Tokens issued;
        JWTClaimsSet idClaims;
        JWTClaimsSet accessClaims;
        try {
            issued = keycloak.exchangeCode(code, login.get().codeVerifier());
            if (issued.idToken() == null) {
                throw new JwtVerifier.InvalidTokenException("Keycloak sent no ID token; the client needs the openid scope");
            }
            idClaims = verifier.idToken(issued.idToken(), login.get().nonce());
            accessClaims = verifier.accessToken(issued.accessToken());
        } catch (OidcException e) {
            LOG.log(System.Logger.Level.WARNING, "Keycloak login failed: " + e.getMessage());
            page(res, 502, "Keycloak could not complete the login", e.getMessage(), retry(next));
            return;
        } catch (JwtVerifier.InvalidTokenException e) {
            LOG.log(System.Logger.Level.WARNING, "Keycloak login refused: " + e.getMessage());
            page(res, 401, "The login could not be verified", e.getMessage(), retry(next));
            return;
        }
        Optional<User> user = syncedUser(res, next, idClaims, accessClaims);
        if (user.isEmpty()) {
            return;
        }
        SessionStore.Session session = sessions.open(user.get());
        tokens.put(session.cookieValue(), issued.idToken(), issued.refreshToken());
        res.header(HeaderNames.SET_COOKIE, cookie(req, Authenticator.SESSION_COOKIE, session.cookieValue(), 14 * 86400, "/"));
        redirect(res, next);
    }

    // Maps and syncs the user, or answers with the page saying why they may not log in.
    private Optional<User> syncedUser(ServerResponse res, String next, JWTClaimsSet... claims) {
        ClaimMapping.Identity identity;
        try {
            identity = mapping.map(claims);
        } catch (ClaimMapping.MappingException e) {
            page(res, 403, "Your Keycloak account cannot be used here", e.getMessage(), null);
            return Optional.empty();
        }
        if (!mapping.allowed(identity)) {
            page(res, 403, "Access denied", "Your Keycloak account " + identity.username() + " is not in a group "
                    + "allowed on this hub (" + String.join(", ", keycloak.settings().allowedGroups())
                    + "). Ask your administrator for access.", null);
            return Optional.empty();
        }
        Optional<User> user = accounts.sync(identity);
        if (user.isEmpty()) {
            page(res, 403, "No hub account", "There is no hub account for " + identity.username()
                    + ", and this hub does not create accounts at first login. Ask your administrator.", null);
        }
        return user;
    }

    private void refresh(ServerRequest req, ServerResponse res) {
        String next = safeNext(req.query().first("next").orElse("/hub/home"));
        Optional<SessionStore.Session> session = auth.session(req.headers());
        Optional<OidcSessions.Held> held = session.flatMap(s -> tokens.get(s.cookieValue()));
        if (held.isEmpty() || held.get().refreshToken() == null) {
            redirect(res, "/hub/oauth_login?next=" + KeycloakClient.enc(next));
            return;
        }
        KeycloakClient.Tokens issued;
        JWTClaimsSet accessClaims;
        try {
            issued = keycloak.refresh(held.get().refreshToken());
            accessClaims = verifier.accessToken(issued.accessToken());
        } catch (OidcException | JwtVerifier.InvalidTokenException e) {
            // The Keycloak session is gone (logged out there, expired): so is the hub session.
            LOG.log(System.Logger.Level.INFO, "Keycloak refresh failed, closing the hub session: " + e.getMessage());
            sessions.close(session.get().cookieValue());
            tokens.remove(session.get().cookieValue());
            res.header(HeaderNames.SET_COOKIE, cookie(req, Authenticator.SESSION_COOKIE, "", 0, "/"));
            redirect(res, "/hub/login?next=" + KeycloakClient.enc(next));
            return;
        }
        Optional<User> user = syncedUser(res, next, accessClaims);
        if (user.isEmpty()) {
            sessions.close(session.get().cookieValue());
            tokens.remove(session.get().cookieValue());
            return;
        }
        String idToken = issued.idToken() == null ? held.get().idToken() : issued.idToken();
        tokens.put(session.get().cookieValue(), idToken, issued.refreshToken());
        redirect(res, next);
    }

    private void logout(ServerRequest req, ServerResponse res) {
        Optional<SessionStore.Session> session = auth.session(req.headers());
        Optional<OidcSessions.Held> held = Optional.empty();
        if (session.isPresent()) {
            sessions.close(session.get().cookieValue());
            held = tokens.remove(session.get().cookieValue());
        }
        res.header(HeaderNames.SET_COOKIE, cookie(req, Authenticator.SESSION_COOKIE, "", 0, "/"));
        KeycloakClient.Metadata endpoints;
        try {
            endpoints = keycloak.metadata();
        } catch (OidcException e) {
            redirect(res, "/hub/login");
            return;
        }
        if (held.isEmpty() || endpoints.endSessionEndpoint() == null) {
            // A local account's session, or one from before a hub restart: only the hub session ends here.
            redirect(res, "/hub/login");
            return;
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", keycloak.settings().clientId());
        query.put("post_logout_redirect_uri", keycloak.settings().postLogoutUrl());
        if (held.get().idToken() != null) {
            query.put("id_token_hint", held.get().idToken());
        }
        redirect(res, endpoints.endSessionEndpoint() + "?" + form(query));
    }

    private void loginPage(ServerRequest req, ServerResponse res) {
        if (keycloak.settings().localLogin()) {
            res.next();
            return;
        }
        String next = safeNext(req.query().first("next").orElse("/hub/home"));
        if (auth.session(req.headers()).isPresent()) {
            redirect(res, next);
            return;
        }
        send(res, 200, "Log in", "<h2>Log in</h2>" + loginLinkHtml(next));
    }

    private void localLogin(ServerRequest req, ServerResponse res) {
        if (keycloak.settings().localLogin()) {
            res.next();
            return;
        }
        page(res, 403, "Local accounts are turned off", "This hub logs people in through Keycloak only.", "/hub/login");
    }

    private String cookie(ServerRequest req, String name, String value, long maxAgeSeconds, String path) {
        boolean secure = secureCookies || req.isSecure()
                || req.headers().first(HeaderNames.X_FORWARDED_PROTO).map("https"::equalsIgnoreCase).orElse(false);
        return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (secure ? "; Secure" : "");
    }

    private static String retry(String next) {
        return "/hub/oauth_login?next=" + KeycloakClient.enc(next);
    }

    // Only local paths, so a login cannot be used to send people elsewhere.
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
            return "/hub/home";
        }
        return next;
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> KeycloakClient.enc(e.getKey()) + "=" + KeycloakClient.enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String printable(String text) {
        String clean = text.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 200 ? clean.substring(0, 200) : clean;
    }

    private static void redirect(ServerResponse res, String location) {
        SecurityHeaders.apply(res);
        res.status(302);
        res.header("Location", location);
        res.send();
    }

    // A page that says what went wrong and where to go next.
    private static void page(ServerResponse res, int status, String title, String message, String link) {
        send(res, status, title, "<h2>" + Html.esc(title) + "</h2><p class=\"login-error\" role=\"alert\">" + Html.esc(message) + "</p>"
                + (link == null ? "" : "<p><a href=\"" + Html.esc(link) + "\">Try again</a></p>"));
    }

    private static void send(ServerResponse res, int status, String title, String body) {
        SecurityHeaders.apply(res);
        res.status(status);
        res.header("Content-Type", "text/html; charset=utf-8");
        res.send("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Html.esc(title)
                + " - Meridian</title><link rel=\"stylesheet\" href=\"/hub/static/hub.css\"></head><body><header>"
                + "<h1>Meridian</h1></header>\n" + body + "\n</body></html>\n");
    }
}
