package io.meridian.hub.auth.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.meridian.hub.auth.Secrets;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks Keycloak's JWTs: an RS256 or ES256 signature by a key from the realm's JWKS (never
 * {@code alg: none}, never an HMAC with a public key as secret), the issuer, the audience, and
 * exp/nbf/iat within a small clock skew. Each rejection says which check failed, never the token.
 */
public final class JwtVerifier {
    private static final Set<JWSAlgorithm> ACCEPTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final OidcSettings settings;
    private final JwksCache keys;
    private final Clock clock;

    public JwtVerifier(OidcSettings settings, JwksCache keys, Clock clock) {
        this.settings = settings;
        this.keys = keys;
        this.clock = clock;
    }

    /** An access token presented as {@code Authorization: Bearer}: meant for one of the configured audiences. */
    public JWTClaimsSet accessToken(String token) {
        JWTClaimsSet claims = verified(token, "access token");
        List<String> aud = claims.getAudience();
        if (aud == null || aud.stream().noneMatch(settings.audiences()::contains)) {
            throw new InvalidTokenException("access token audience " + show(aud) + " does not include "
                    + String.join(" or ", settings.audiences()));
        }
        // Keycloak types its tokens; an ID or refresh token must not pass for an access token.
        String typ = stringClaim(claims, "typ");
        if (typ != null && !typ.equalsIgnoreCase("Bearer")) {
            throw new InvalidTokenException("a Keycloak '" + show(typ) + "' token is not an access token");
        }
        return claims;
    }

    /** The ID token of a login: issued to this client, for this login's nonce. */
    public JWTClaimsSet idToken(String token, String expectedNonce) {
        JWTClaimsSet claims = verified(token, "ID token");
        List<String> aud = claims.getAudience();
        if (aud == null || !aud.contains(settings.clientId())) {
            throw new InvalidTokenException("ID token audience " + show(aud) + " does not include " + settings.clientId());
        }
        String azp = stringClaim(claims, "azp");
        if (aud.size() > 1 && !settings.clientId().equals(azp)) {
            throw new InvalidTokenException("ID token was issued to " + show(azp) + ", not " + settings.clientId());
        }
        if (!Secrets.same(stringClaim(claims, "nonce"), expectedNonce)) {
            throw new InvalidTokenException("ID token nonce does not match this login");
        }
        return claims;
    }

    private JWTClaimsSet verified(String token, String what) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException(what + " is not a well-formed JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw new InvalidTokenException(what + " is unsigned (alg none); only RS256 or ES256 signatures are accepted");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new InvalidTokenException(what + " is encrypted; only signed (RS256 or ES256) tokens are accepted");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
            throw new InvalidTokenException(what + " is HMAC-signed (" + alg + "); only the issuer's RS256 or ES256 "
                    + "public-key signatures are accepted");
        }
        if (!ACCEPTED.contains(alg)) {
            throw new InvalidTokenException(what + " algorithm " + alg + " is not accepted; use RS256 or ES256");
        }
        String kid = signed.getHeader().getKeyID();
        if (kid == null || kid.isEmpty()) {
            throw new InvalidTokenException(what + " has no key id (kid) in its header");
        }
        JWK key = keys.signingKey(kid).orElseThrow(() -> new InvalidTokenException(what
                + " is signed with key '" + show(kid) + "', which is not in the issuer's JWKS"));
        try {
            if (!signed.verify(verifierFor(alg, key, what))) {
                throw new InvalidTokenException(what + " signature is invalid");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException(what + " signature could not be checked: " + e.getMessage());
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException(what + " claims are not a JSON object");
        }
        checkIssuerAndTimes(claims, what);
        return claims;
    }

    private static JWSVerifier verifierFor(JWSAlgorithm alg, JWK key, String what) throws JOSEException {
        if (alg.equals(JWSAlgorithm.RS256) && key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa.toRSAPublicKey());
        }
        if (alg.equals(JWSAlgorithm.ES256) && key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
            return new ECDSAVerifier(ec.toECPublicKey());
        }
        throw new InvalidTokenException(what + " header says " + alg + " but key '" + show(key.getKeyID())
                + "' is a " + key.getKeyType() + " key");
    }

    private void checkIssuerAndTimes(JWTClaimsSet claims, String what) {
        String issuer = claims.getIssuer();
        if (!settings.issuer().toString().equals(issuer)) {
            throw new InvalidTokenException(what + " issuer " + show(issuer) + " is not " + settings.issuer());
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new InvalidTokenException(what + " has no expiry (exp)");
        }
        if (exp.toInstant().plus(settings.clockSkew()).isBefore(now)) {
            throw new InvalidTokenException(what + " expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().minus(settings.clockSkew()).isAfter(now)) {
            throw new InvalidTokenException(what + " is not valid before " + nbf.toInstant());
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.toInstant().minus(settings.clockSkew()).isAfter(now)) {
            throw new InvalidTokenException(what + " was issued in the future (" + iat.toInstant() + ")");
        }
    }

    static String stringClaim(JWTClaimsSet claims, String name) {
        Object value = claims.getClaim(name);
        return value instanceof String s ? s : null;
    }

    // Claim values are echoed in messages only as short printable ASCII.
    private static String show(Object value) {
        if (value == null) {
            return "(none)";
        }
        String text = value.toString().replaceAll("[^\\x20-\\x7e]", "?");
        return "'" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "'";
    }

    /** A token failed a check; the message names the check. */
    public static final class InvalidTokenException extends RuntimeException {
        public InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }
}
