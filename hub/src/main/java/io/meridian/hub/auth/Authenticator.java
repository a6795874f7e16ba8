package io.meridian.hub.auth;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves the caller of a request from an API token ({@code Authorization: token ...} or
 * {@code Bearer ...}) or a session cookie. Cookie-authenticated requests that change state must
 * carry the session's XSRF token ({@code X-XSRFToken} header or {@code _xsrf} form field).
 */
public final class Authenticator {
    public static final String SESSION_COOKIE = "meridian-session";
    public static final String XSRF_HEADER = "X-XSRFToken";

    private final TokenStore tokens;
    private final SessionStore sessions;
    private final UserStore users;
    private final List<BearerVerifier> verifiers;

    public Authenticator(TokenStore tokens, SessionStore sessions, UserStore users) {
        this(tokens, sessions, users, List.of());
    }

    /** @param verifiers other credentials accepted besides hub tokens (identity provider JWTs) */
    public Authenticator(TokenStore tokens, SessionStore sessions, UserStore users, List<BearerVerifier> verifiers) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.users = users;
        this.verifiers = List.copyOf(verifiers);
    }

    /** The caller of an API request; 401 without valid credentials, 403 for a cookie request without XSRF token. */
    public Caller api(ServerRequest request) {
        Optional<String> token = bearer(request.headers());
        if (token.isPresent()) {
            return fromToken(token.get()).orElseThrow(() -> ApiException.unauthorized("invalid or expired API token"));
        }
        SessionStore.Session session = session(request.headers())
                .orElseThrow(() -> ApiException.unauthorized("authentication required: send 'Authorization: token <token>'"));
        Method method = request.prologue().method();
        if (!method.equals(Method.GET) && !method.equals(Method.HEAD) && !method.equals(Method.OPTIONS)) {
            String presented = request.headers().first(HeaderNames.create(XSRF_HEADER)).orElse(null);
            if (!Secrets.same(presented, session.xsrf())) {
                throw ApiException.forbidden("'_xsrf' argument missing from request: send the X-XSRFToken header");
            }
        }
        return fromSession(session);
    }

    /**
     * The caller of a presented credential: a hub token, or a credential one of the verifiers
     * recognizes (which may refuse it with its own 401/403). Empty for an unknown or expired token.
     */
    public Optional<Caller> fromToken(String secret) {
        for (BearerVerifier verifier : verifiers) {
            if (verifier.recognizes(secret)) {
                User user = verifier.user(secret);
                return Optional.of(new Caller(user, Scopes.ofUser(user.name(), user.admin()), null, this::groupsOf));
            }
        }
        return tokens.authenticate(secret).map(owned -> {
            Token t = owned.token();
            Set<String> scopes = Scopes.forToken(t.scopes(), t.user(), owned.ownerAdmin());
            return new Caller(users.find(t.user()).orElseThrow(), scopes, t.apiId(), this::groupsOf);
        });
    }

    public Caller fromSession(SessionStore.Session session) {
        return new Caller(session.user(), Scopes.ofUser(session.user().name(), session.user().admin()), null,
                this::groupsOf);
    }

    public Optional<SessionStore.Session> session(Headers headers) {
        return cookie(headers, SESSION_COOKIE)
                .filter(v -> v.matches("[0-9a-f]{64}"))
                .flatMap(sessions::find);
    }

    /** A cookie's value from the request headers (WebSocket upgrades have headers but no parsed cookies). */
    public static Optional<String> cookie(Headers headers, String name) {
        for (String header : headers.values(HeaderNames.COOKIE)) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    return Optional.of(pair.substring(eq + 1).trim());
                }
            }
        }
        return Optional.empty();
    }

    public static Optional<String> bearer(Headers headers) {
        return headers.first(HeaderNames.AUTHORIZATION).flatMap(value -> {
            String[] parts = value.trim().split("\\s+", 2);
            if (parts.length == 2 && (parts[0].equalsIgnoreCase("token") || parts[0].equalsIgnoreCase("bearer"))) {
                return Optional.of(parts[1]);
            }
            return Optional.empty();
        });
    }

    private List<String> groupsOf(String user) {
        return users.find(user).map(u -> users.groupsOf(u.id())).orElse(List.of());
    }
}
