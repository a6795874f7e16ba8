package io.meridian.hub.auth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.meridian.hub.auth.BearerVerifier;
import io.meridian.hub.auth.Secrets;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keycloak access tokens as API credentials ({@code Authorization: Bearer <JWT>}) on
 * {@code /hub/api} and {@code /api/v1}. A token is verified and its user synced the first time
 * it is seen; after that it is remembered (by digest) until it expires, so a script's burst of
 * calls does not rewrite the user's groups on every request.
 */
public final class KeycloakBearer implements BearerVerifier {
    private static final Pattern JWT_SHAPE = Pattern.compile("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*$");
    private static final int MAX_REMEMBERED = 10_000;

    private final JwtVerifier verifier;
    private final ClaimMapping mapping;
    private final AccountSync accounts;
    private final UserStore users;
    private final Clock clock;
    private final Map<String, Remembered> seen = new ConcurrentHashMap<>();

    public KeycloakBearer(JwtVerifier verifier, ClaimMapping mapping, AccountSync accounts, UserStore users, Clock clock) {
        this.verifier = verifier;
        this.mapping = mapping;
        this.accounts = accounts;
        this.users = users;
        this.clock = clock;
    }

    private record Remembered(String username, Instant expires) {
    }

    @Override
    public boolean recognizes(String credential) {
        return credential.length() < 16_384 && JWT_SHAPE.matcher(credential).matches();
    }

    @Override
    public User user(String credential) {
        String digest = Secrets.sha256(credential);
        Remembered known = seen.get(digest);
        if (known != null && known.expires().isAfter(clock.instant())) {
            return users.find(known.username()).orElseThrow(() -> ApiException.unauthorized(
                    "the user of this Keycloak token no longer exists on the hub"));
        }
        seen.remove(digest);
        JWTClaimsSet claims;
        try {
            claims = verifier.accessToken(credential);
        } catch (JwtVerifier.InvalidTokenException e) {
            throw ApiException.unauthorized("Keycloak token rejected: " + e.getMessage());
        } catch (OidcException e) {
            throw new ApiException(503, "Keycloak tokens cannot be checked right now: " + e.getMessage());
        }
        ClaimMapping.Identity identity;
        try {
            identity = mapping.map(claims);
        } catch (ClaimMapping.MappingException e) {
            throw ApiException.unauthorized("Keycloak token rejected: " + e.getMessage());
        }
        if (!mapping.allowed(identity)) {
            throw ApiException.forbidden("Keycloak user " + identity.username() + " is not in a group allowed on this hub");
        }
        User user = accounts.sync(identity).orElseThrow(() -> ApiException.unauthorized("Keycloak user "
                + identity.username() + " has no hub account, and this hub does not create accounts on first use"));
        remember(digest, new Remembered(user.name(), claims.getExpirationTime().toInstant()));
        return user;
    }

    private void remember(String digest, Remembered entry) {
        if (seen.size() >= MAX_REMEMBERED) {
            Instant now = clock.instant();
            seen.values().removeIf(r -> !r.expires().isAfter(now));
            if (seen.size() >= MAX_REMEMBERED) {
                seen.clear();
            }
        }
        seen.put(digest, entry);
    }
}
