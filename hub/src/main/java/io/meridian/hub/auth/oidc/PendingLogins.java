package io.meridian.hub.auth.oidc;

import io.meridian.hub.auth.Secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logins sent to Keycloak and not back yet, kept server-side: each has a random state, nonce and
 * PKCE verifier, is bound to the browser that started it (by the digest of a cookie), expires,
 * and can be completed once. The hub is one process, so memory is the right place.
 */
public final class PendingLogins {
    private static final int MAX_PENDING = 10_000;

    private final Duration lifetime;
    private final Clock clock;
    private final Map<String, Pending> byState = new ConcurrentHashMap<>();

    public PendingLogins(Duration lifetime, Clock clock) {
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * One login in flight.
     *
     * @param browser the secret also set as a cookie in the browser that started the login
     */
    public record Pending(String state, String nonce, String codeVerifier, String next, String browser, Instant expires) {
        /** The S256 PKCE challenge sent to Keycloak. */
        public String codeChallenge() {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(codeVerifier.getBytes(StandardCharsets.US_ASCII));
                return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Starts a login that returns to {@code next}; empty when too many are in flight. */
    public Optional<Pending> start(String next) {
        Instant now = clock.instant();
        if (byState.size() >= MAX_PENDING) {
            byState.values().removeIf(p -> p.expires().isBefore(now));
            if (byState.size() >= MAX_PENDING) {
                return Optional.empty();
            }
        }
        // A verifier of 64 hex characters is within RFC 7636's 43..128 unreserved characters.
        Pending pending = new Pending(Secrets.newSecret(), Secrets.newSecret(), Secrets.newSecret(), next,
                Secrets.newSecret(), now.plus(lifetime));
        byState.put(pending.state(), pending);
        return Optional.of(pending);
    }

    /** Completes the login with this state, once: only from the browser that started it, before it expires. */
    public Optional<Pending> take(String state, String browser) {
        if (state == null || browser == null) {
            return Optional.empty();
        }
        Pending pending = byState.remove(state);
        if (pending == null || pending.expires().isBefore(clock.instant()) || !Secrets.same(pending.browser(), browser)) {
            return Optional.empty();
        }
        return Optional.of(pending);
    }

    public int size() {
        return byState.size();
    }
}
