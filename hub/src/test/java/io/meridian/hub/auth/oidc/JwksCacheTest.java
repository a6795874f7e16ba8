package io.meridian.hub.auth.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key rotation: an unknown key id refetches the JWKS once, and no more often than the minimum interval. */
class JwksCacheTest {
    private final MovableClock clock = new MovableClock(Instant.parse("2026-06-01T12:00:00Z"));
    private final AtomicReference<String> published = new AtomicReference<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final JwksCache cache = new JwksCache(() -> {
        fetches.incrementAndGet();
        return published.get();
    }, Duration.ofMinutes(10), Duration.ofSeconds(10), clock);

    @Test
    void aRotatedKeyIsFoundWithOneRefetch() throws Exception {
        RSAKey first = key("first");
        RSAKey second = key("second");
        publish(first);
        assertTrue(cache.signingKey("first").isPresent());
        assertEquals(1, fetches.get());

        publish(first, second);
        clock.advance(Duration.ofSeconds(11));
        assertTrue(cache.signingKey("second").isPresent());
        assertEquals(2, fetches.get());
        assertTrue(cache.signingKey("first").isPresent());
        assertEquals(2, fetches.get(), "known keys need no fetch");
    }

    @Test
    void unknownKeyIdsRefetchAtMostOncePerInterval() throws Exception {
        publish(key("only"));
        cache.signingKey("only");
        clock.advance(Duration.ofSeconds(11));
        for (int i = 0; i < 50; i++) {
            assertTrue(cache.signingKey("made-up-" + i).isEmpty());
        }
        assertEquals(2, fetches.get(), "one refetch for fifty unknown key ids");
        clock.advance(Duration.ofSeconds(11));
        assertTrue(cache.signingKey("made-up-again").isEmpty());
        assertEquals(3, fetches.get());
    }

    @Test
    void oldKeysAreRefetchedAfterMaxAge() throws Exception {
        RSAKey retired = key("retired");
        publish(retired);
        assertTrue(cache.signingKey("retired").isPresent());
        publish(key("current"));
        clock.advance(Duration.ofMinutes(11));
        assertTrue(cache.signingKey("retired").isEmpty(), "a key the realm no longer publishes stops being trusted");
    }

    @Test
    void encryptionKeysNeverVerifySignatures() throws Exception {
        RSAKey enc = new RSAKeyGenerator(2048).keyID("enc").keyUse(KeyUse.ENCRYPTION).generate();
        publish(enc);
        assertTrue(cache.signingKey("enc").isEmpty());
    }

    private static RSAKey key(String kid) throws Exception {
        return new RSAKeyGenerator(2048).keyID(kid).keyUse(KeyUse.SIGNATURE).generate();
    }

    private void publish(RSAKey... keys) {
        published.set(new JWKSet(List.of(keys).stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList()).toString());
    }
}
