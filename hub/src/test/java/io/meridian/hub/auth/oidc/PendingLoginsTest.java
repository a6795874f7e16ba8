package io.meridian.hub.auth.oidc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** State, nonce and PKCE verifier: random, single use, bound to the browser, expiring. */
class PendingLoginsTest {
    private final MovableClock clock = new MovableClock(Instant.parse("2026-06-01T12:00:00Z"));
    private final PendingLogins logins = new PendingLogins(Duration.ofMinutes(10), clock);

    @Test
    void aLoginCompletesOnceFromItsOwnBrowser() {
        PendingLogins.Pending p = logins.start("/hub/home").orElseThrow();
        assertTrue(logins.take(p.state(), "another-browser").isEmpty());
        PendingLogins.Pending q = logins.start("/hub/home").orElseThrow();
        assertEquals(q, logins.take(q.state(), q.browser()).orElseThrow());
        assertTrue(logins.take(q.state(), q.browser()).isEmpty(), "a state is single use");
    }

    @Test
    void aLoginExpires() {
        PendingLogins.Pending p = logins.start("/hub/home").orElseThrow();
        clock.advance(Duration.ofMinutes(11));
        assertTrue(logins.take(p.state(), p.browser()).isEmpty());
    }

    @Test
    void everySecretIsFreshAndTheChallengeIsS256OfTheVerifier() throws Exception {
        PendingLogins.Pending a = logins.start("/a").orElseThrow();
        PendingLogins.Pending b = logins.start("/b").orElseThrow();
        assertNotEquals(a.state(), b.state());
        assertNotEquals(a.nonce(), b.nonce());
        assertNotEquals(a.codeVerifier(), b.codeVerifier());
        assertTrue(a.codeVerifier().length() >= 43 && a.codeVerifier().length() <= 128);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(a.codeVerifier().getBytes(StandardCharsets.US_ASCII));
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(digest), a.codeChallenge());
    }
}
