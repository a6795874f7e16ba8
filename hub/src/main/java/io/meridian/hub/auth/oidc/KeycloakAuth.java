package io.meridian.hub.auth.oidc;

import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.SessionStore;
import io.meridian.hub.groups.GroupStore;
import io.meridian.hub.users.UserStore;

import java.time.Clock;
import java.time.Duration;

/**
 * Keycloak login for the hub, wired: {@link #bearer()} goes into the {@link Authenticator} (API
 * calls with Keycloak access tokens), {@link #login} is the browser flow registered under /hub.
 */
public record KeycloakAuth(OidcSettings settings, KeycloakClient client, JwksCache keys, JwtVerifier verifier,
                           ClaimMapping mapping, AccountSync accounts, KeycloakBearer bearer) {
    private static final Duration KEYS_MAX_AGE = Duration.ofMinutes(10);
    private static final Duration KEYS_MIN_REFETCH = Duration.ofSeconds(10);
    private static final Duration LOGIN_LIFETIME = Duration.ofMinutes(10);

    public static KeycloakAuth create(OidcSettings settings, UserStore users, GroupStore groups) {
        Clock clock = Clock.systemUTC();
        KeycloakClient client = new KeycloakClient(settings);
        JwksCache keys = new JwksCache(client::fetchJwks, KEYS_MAX_AGE, KEYS_MIN_REFETCH, clock);
        JwtVerifier verifier = new JwtVerifier(settings, keys, clock);
        ClaimMapping mapping = new ClaimMapping(settings);
        AccountSync accounts = new AccountSync(users, groups, settings.createUsers());
        return new KeycloakAuth(settings, client, keys, verifier, mapping, accounts,
                new KeycloakBearer(verifier, mapping, accounts, users, clock));
    }

    public KeycloakLogin login(SessionStore sessions, Authenticator auth, boolean secureCookies) {
        Clock clock = Clock.systemUTC();
        return new KeycloakLogin(client, verifier, mapping, accounts, new PendingLogins(LOGIN_LIFETIME, clock),
                new OidcSessions(clock), sessions, auth, secureCookies);
    }
}
