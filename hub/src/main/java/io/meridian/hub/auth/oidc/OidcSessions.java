package io.meridian.hub.auth.oidc;

import io.meridian.hub.auth.Secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Keycloak tokens behind each hub session that came from a Keycloak login: the ID token (the
 * logout hint) and the refresh token. Kept in memory only, keyed by the digest of the session
 * cookie; after a hub restart a logout still works, Keycloak just asks the user to confirm it.
 */
public final class OidcSessions {
    private static final int MAX_SESSIONS = 100_000;
    private static final Duration MAX_AGE = Duration.ofDays(14);

    private final Clock clock;
    private final Map<String, Held> bySession = new ConcurrentHashMap<>();

    public OidcSessions(Clock clock) {
        this.clock = clock;
    }

    public record Held(String idToken, String refreshToken, Instant stored) {
        @Override
        public String toString() {
            return "Held[stored=" + stored + "]";
        }
    }

    public void put(String sessionCookie, String idToken, String refreshToken) {
        Instant now = clock.instant();
        if (bySession.size() >= MAX_SESSIONS) {
            bySession.values().removeIf(h -> h.stored().plus(MAX_AGE).isBefore(now));
        }
        bySession.put(Secrets.sha256(sessionCookie), new Held(idToken, refreshToken, now));
    }

    public Optional<Held> get(String sessionCookie) {
        return Optional.ofNullable(bySession.get(Secrets.sha256(sessionCookie)));
    }

    public Optional<Held> remove(String sessionCookie) {
        return Optional.ofNullable(bySession.remove(Secrets.sha256(sessionCookie)));
    }
}
