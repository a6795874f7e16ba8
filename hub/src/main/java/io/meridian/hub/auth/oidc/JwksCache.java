package io.meridian.hub.auth.oidc;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The realm's signing keys. Fetched on first use and kept for {@code maxAge}; a token signed
 * with a key id we do not know (Keycloak rotated its keys) triggers one refetch, at most once
 * per {@code minRefetchInterval}, so a flood of tokens with made-up key ids cannot turn the hub
 * into a load generator against Keycloak.
 */
public final class JwksCache {
    private final Supplier<String> fetch;
    private final Duration maxAge;
    private final Duration minRefetchInterval;
    private final Clock clock;
    private JWKSet keys;
    private Instant fetchedAt = Instant.MIN;
    private int fetches;

    public JwksCache(Supplier<String> fetch, Duration maxAge, Duration minRefetchInterval, Clock clock) {
        this.fetch = fetch;
        this.maxAge = maxAge;
        this.minRefetchInterval = minRefetchInterval;
        this.clock = clock;
    }

    /** The signing key with this id, refetching the JWKS once if it is unknown or the cache is old. */
    public synchronized Optional<JWK> signingKey(String kid) {
        Instant now = clock.instant();
        if (keys == null || fetchedAt.plus(maxAge).isBefore(now)) {
            refetch(now);
        }
        Optional<JWK> found = find(kid);
        if (found.isEmpty() && fetchedAt.plus(minRefetchInterval).isBefore(now)) {
            refetch(now);
            found = find(kid);
        }
        return found;
    }

    /** How many times the JWKS was fetched (for operators and tests). */
    public synchronized int fetches() {
        return fetches;
    }

    private Optional<JWK> find(String kid) {
        JWK key = keys.getKeyByKeyId(kid);
        // Encryption keys share the JWKS with signing keys; only signing keys may verify a signature.
        if (key == null || (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse()))) {
            return Optional.empty();
        }
        return Optional.of(key);
    }

    private void refetch(Instant now) {
        fetchedAt = now;
        fetches++;
        try {
            keys = JWKSet.parse(fetch.get());
        } catch (ParseException e) {
            throw new OidcException("the realm's JWKS could not be read: " + e.getMessage());
        }
    }
}
