package io.meridian.hub.auth.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.helidon.config.Config;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token checks with keys generated here: the hub's realm publishes {@link #realmRsa} and
 * {@link #realmEc}; anything else is an attacker's. Real signatures, real JWKS parsing.
 */
class JwtVerifierTest {
    static final String ISSUER = "https://sso.example.org/realms/meridian";
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static RSAKey realmRsa;
    private static ECKey realmEc;
    private static RSAKey attacker;
    private static JwtVerifier verifier;
    private static final AtomicInteger fetches = new AtomicInteger();

    @BeforeAll
    static void keys() throws Exception {
        realmRsa = new RSAKeyGenerator(2048).keyID("realm-rsa").keyUse(KeyUse.SIGNATURE).generate();
        realmEc = new ECKeyGenerator(Curve.P_256).keyID("realm-ec").keyUse(KeyUse.SIGNATURE).generate();
        attacker = new RSAKeyGenerator(2048).keyID("realm-rsa").generate();
        String jwks = new JWKSet(List.of(realmRsa.toPublicJWK(), realmEc.toPublicJWK())).toString();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        JwksCache cache = new JwksCache(() -> {
            fetches.incrementAndGet();
            return jwks;
        }, Duration.ofMinutes(10), Duration.ofSeconds(10), clock);
        verifier = new JwtVerifier(settings(), cache, clock);
    }

    static OidcSettings settings() {
        return OidcSettings.load(Config.empty(), Map.of("MERIDIAN_KEYCLOAK_ISSUER", ISSUER,
                "MERIDIAN_KEYCLOAK_CLIENT_SECRET", "not-used-here", "MERIDIAN_KEYCLOAK_AUDIENCE", "meridian-hub"),
                "http://127.0.0.1:8000").orElseThrow();
    }

    static JWTClaimsSet.Builder accessClaims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("f00d").audience(List.of("meridian-hub", "account"))
                .claim("typ", "Bearer").claim("preferred_username", "alice")
                .issueTime(Date.from(NOW.minusSeconds(10))).expirationTime(Date.from(NOW.plusSeconds(290)));
    }

    static String rs256(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aRealmSignedAccessTokenIsAccepted() throws Exception {
        JWTClaimsSet claims = verifier.accessToken(rs256(realmRsa, accessClaims().build()));
        assertEquals("alice", claims.getStringClaim("preferred_username"));
    }

    @Test
    void es256FromTheRealmIsAccepted() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("realm-ec").build(), accessClaims().build());
        jwt.sign(new ECDSASigner(realmEc));
        assertEquals("f00d", verifier.accessToken(jwt.serialize()).getSubject());
    }

    @Test
    void aTokenSignedByAnotherKeyWithTheRealmsKeyIdIsRejected() throws Exception {
        var e = assertThrows(JwtVerifier.InvalidTokenException.class,
                () -> verifier.accessToken(rs256(attacker, accessClaims().build())));
        assertEquals("access token signature is invalid", e.getMessage());
    }

    @Test
    void aTokenSignedByAnUnknownKeyIsRejected() throws Exception {
        RSAKey other = new RSAKeyGenerator(2048).keyID("someone-else").generate();
        var e = assertThrows(JwtVerifier.InvalidTokenException.class,
                () -> verifier.accessToken(rs256(other, accessClaims().build())));
        assertTrue(e.getMessage().contains("not in the issuer's JWKS"), e.getMessage());
    }

    @Test
    void anotherIssuerIsRejected() throws Exception {
        String token = rs256(realmRsa, accessClaims().issuer("https://evil.example.org/realms/meridian").build());
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken(token));
        assertEquals("access token issuer 'https://evil.example.org/realms/meridian' is not " + ISSUER, e.getMessage());
    }

    @Test
    void aTokenForAnotherAudienceIsRejected() throws Exception {
        String token = rs256(realmRsa, accessClaims().audience("some-other-app").build());
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken(token));
        assertEquals("access token audience '[some-other-app]' does not include meridian-hub", e.getMessage());
    }

    @Test
    void anExpiredTokenIsRejectedBeyondTheClockSkew() throws Exception {
        String withinSkew = rs256(realmRsa, accessClaims().expirationTime(Date.from(NOW.minusSeconds(20))).build());
        assertEquals("f00d", verifier.accessToken(withinSkew).getSubject());
        String expired = rs256(realmRsa, accessClaims().expirationTime(Date.from(NOW.minusSeconds(31))).build());
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken(expired));
        assertEquals("access token expired at " + NOW.minusSeconds(31), e.getMessage());
    }

    @Test
    void aTokenWithoutExpiryIsRejected() throws Exception {
        String token = rs256(realmRsa, accessClaims().expirationTime(null).build());
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken(token));
        assertEquals("access token has no expiry (exp)", e.getMessage());
    }

    @Test
    void aTokenNotYetValidIsRejected() throws Exception {
        String token = rs256(realmRsa, accessClaims().notBeforeTime(Date.from(NOW.plusSeconds(120))).build());
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken(token));
        assertTrue(e.getMessage().contains("not valid before"), e.getMessage());
    }

    @Test
    void algNoneIsRejected() {
        String token = new PlainJWT(accessClaims().build()).serialize();
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken(token));
        assertEquals("access token is unsigned (alg none); only RS256 or ES256 signatures are accepted", e.getMessage());
    }

    @Test
    void hs256SignedWithThePublicKeyIsRejected() throws Exception {
        // The classic confusion attack: the realm's public key, known to all, used as an HMAC secret.
        byte[] secret = realmRsa.toPublicJWK().toJSONString().getBytes();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("realm-rsa").build(), accessClaims().build());
        jwt.sign(new MACSigner(secret));
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken(jwt.serialize()));
        assertTrue(e.getMessage().startsWith("access token is HMAC-signed (HS256)"), e.getMessage());
    }

    @Test
    void anRsaKeyCannotVerifyAnEs256Header() throws Exception {
        SignedJWT real = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("realm-rsa").build(), accessClaims().build());
        real.sign(new RSASSASigner(realmRsa));
        String[] parts = real.serialize().split("\\.");
        Base64URL es256Header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("realm-rsa").build().toBase64URL();
        String forged = es256Header + "." + parts[1] + "." + parts[2];
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken(forged));
        assertTrue(e.getMessage().contains("is a RSA key"), e.getMessage());
    }

    @Test
    void anIdTokenIsNotAnAccessToken() throws Exception {
        String token = rs256(realmRsa, accessClaims().claim("typ", "ID").build());
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken(token));
        assertEquals("a Keycloak ''ID'' token is not an access token", e.getMessage());
    }

    @Test
    void garbageIsNotAJwt() {
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken("abc.def.ghi"));
        assertEquals("access token is not a well-formed JWT", e.getMessage());
    }

    @Test
    void anIdTokenMustCarryTheLoginsNonce() throws Exception {
        JWTClaimsSet claims = accessClaims().audience("meridian-hub").claim("typ", "ID").claim("azp", "meridian-hub")
                .claim("nonce", "n-123").build();
        String token = rs256(realmRsa, claims);
        assertEquals("alice", verifier.idToken(token, "n-123").getStringClaim("preferred_username"));
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.idToken(token, "n-456"));
        assertEquals("ID token nonce does not match this login", e.getMessage());
    }

    @Test
    void anIdTokenForAnotherClientIsRejected() throws Exception {
        String token = rs256(realmRsa, accessClaims().audience("other-client").claim("nonce", "n").build());
        var e = assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.idToken(token, "n"));
        assertEquals("ID token audience '[other-client]' does not include meridian-hub", e.getMessage());
    }

    @Test
    void unknownKeyIdsDoNotMakeTheHubHammerTheJwksEndpoint() throws Exception {
        RSAKey other = new RSAKeyGenerator(2048).keyID("made-up").generate();
        String token = rs256(other, accessClaims().build());
        verifier.accessToken(rs256(realmRsa, accessClaims().build()));
        int before = fetches.get();
        for (int i = 0; i < 20; i++) {
            assertThrows(JwtVerifier.InvalidTokenException.class, () -> verifier.accessToken(token));
        }
        // The clock is frozen: within the minimum refetch interval, no refetch at all.
        assertTrue(fetches.get() - before <= 1, "fetched " + (fetches.get() - before) + " times");
    }
}
