package io.meridian.hub.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.meridian.hub.TestHub;
import io.meridian.hub.TestHub.Response;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.meridian.hub.auth.oidc.KeycloakLoginTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keycloak access tokens on the hub's APIs: accepted for the right realm, client and time, mapped
 * to the same users as a browser login; every other token refused with a 401 that says why; and
 * a Keycloak user's token reaches only that user's resources.
 */
@ExtendWith(KeycloakServer.class)
class KeycloakTokenTest {
    private static final KeycloakServer keycloak = new KeycloakServer();
    private static TestHub hub;

    @BeforeAll
    static void startHub() {
        Map<String, String> env = new HashMap<>(KeycloakHub.env());
        env.put("MERIDIAN_KEYCLOAK_CLOCK_SKEW_SECONDS", "1");
        hub = TestHub.start(TestHub.tempDir(), env);
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    @Test
    void aKeycloakAccessTokenCallsTheHubApiAsItsUser() {
        JsonNode me = bearer("GET", "/hub/api/user", keycloak.accessToken("alice", "alice-keycloak-pass")).json();
        assertEquals("alice", me.get("name").asText());
        assertTrue(me.get("admin").asBoolean());
        assertEquals(List.of("physics", "vo.meridian.eu"), names(me.get("groups")));
        assertTrue(me.get("token_id").isNull(), "not a hub token");
    }

    @Test
    void theFirstCallCreatesTheUserAndHubTokensKeepWorking() {
        try (TestHub fresh = TestHub.start(TestHub.tempDir(), KeycloakHub.env())) {
            assertEquals(404, fresh.admin("GET", "/hub/api/users/carol", null).status());
            Response me = fresh.call("GET", "/hub/api/user", null, null,
                    "Authorization", "Bearer " + keycloak.accessToken("carol", "carol-keycloak-pass"));
            assertEquals(200, me.status(), me.body());
            JsonNode carol = fresh.admin("GET", "/hub/api/users/carol", null).json();
            assertEquals(List.of("visitors"), names(carol.get("groups")));
            assertFalse(carol.get("admin").asBoolean());
            assertEquals("admin", fresh.get("/hub/api/user", TestHub.ADMIN_TOKEN).json().get("name").asText());
        }
    }

    @Test
    void withoutAccountCreationAnUnknownUsersTokenIsRefused() {
        Map<String, String> env = new HashMap<>(KeycloakHub.env());
        env.put("MERIDIAN_KEYCLOAK_CREATE_USERS", "false");
        try (TestHub fresh = TestHub.start(TestHub.tempDir(), env)) {
            Response me = fresh.call("GET", "/hub/api/user", null, null,
                    "Authorization", "Bearer " + keycloak.accessToken("carol", "carol-keycloak-pass"));
            assertEquals(401, me.status());
            assertEquals("Keycloak user carol has no hub account, and this hub does not create accounts on first use",
                    me.json().get("message").asText());
            assertEquals(404, fresh.admin("GET", "/hub/api/users/carol", null).status());
        }
    }

    @Test
    void thePlatformApiTakesKeycloakTokensToo() throws Exception {
        Response modules = bearer("GET", "/api/v1/catalog/modules", keycloak.accessToken("bob", "bob-keycloak-pass"));
        assertEquals(200, modules.status(), modules.body());
        assertEquals(401, bearer("GET", "/api/v1/catalog/modules", forged()).status());
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        assertRefused(forged(), "Keycloak token rejected: access token signature is invalid");
    }

    @Test
    void anUnsignedTokenIsRefused() throws Exception {
        JWTClaimsSet claims = claimsOf(keycloak.accessToken("alice", "alice-keycloak-pass"));
        assertRefused(new PlainJWT(claims).serialize(),
                "Keycloak token rejected: access token is unsigned (alg none); only RS256 or ES256 signatures are accepted");
    }

    @Test
    void anHmacTokenKeyedWithTheRealmsPublicKeyIsRefused() throws Exception {
        String real = keycloak.accessToken("alice", "alice-keycloak-pass");
        String kid = SignedJWT.parse(real).getHeader().getKeyID();
        String jwks = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(KeycloakServer.issuer()
                + "/protocol/openid-connect/certs")).build(), HttpResponse.BodyHandlers.ofString()).body();
        byte[] publicKeyAsSecret = JWKSet.parse(jwks).getKeyByKeyId(kid).toPublicJWK().toJSONString().getBytes();
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claimsOf(real));
        hs.sign(new MACSigner(publicKeyAsSecret));
        Response r = bearer("GET", "/hub/api/user", hs.serialize());
        assertEquals(401, r.status());
        assertTrue(r.json().get("message").asText().startsWith("Keycloak token rejected: access token is HMAC-signed (HS256)"),
                r.body());
    }

    @Test
    void aTokenForAnotherClientIsRefused() {
        keycloak.createClient("""
                {"clientId": "other-app", "secret": "other-app-secret", "publicClient": false,
                 "directAccessGrantsEnabled": true, "standardFlowEnabled": false}""");
        String token = keycloak.passwordGrant("other-app", "other-app-secret", "alice", "alice-keycloak-pass")
                .get("access_token").asText();
        Response r = bearer("GET", "/hub/api/user", token);
        assertEquals(401, r.status());
        assertTrue(r.json().get("message").asText().matches(
                "Keycloak token rejected: access token audience .* does not include meridian-hub"), r.body());
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        keycloak.createClient("""
                {"clientId": "short-lived", "secret": "short-lived-secret", "publicClient": false,
                 "directAccessGrantsEnabled": true, "standardFlowEnabled": false,
                 "attributes": {"access.token.lifespan": "1"},
                 "protocolMappers": [{"name": "hub audience", "protocol": "openid-connect",
                   "protocolMapper": "oidc-audience-mapper",
                   "config": {"included.client.audience": "meridian-hub", "access.token.claim": "true"}}]}""");
        String token = keycloak.passwordGrant("short-lived", "short-lived-secret", "bob", "bob-keycloak-pass")
                .get("access_token").asText();
        TestHub.sleep(3500);
        Response r = bearer("GET", "/hub/api/user", token);
        assertEquals(401, r.status());
        assertTrue(r.json().get("message").asText().startsWith("Keycloak token rejected: access token expired at "), r.body());
    }

    @Test
    void aRotatedKeyIsPickedUpAndAnotherRealmSigningWithItIsStillRefused() throws Exception {
        String before = SignedJWT.parse(keycloak.accessToken("bob", "bob-keycloak-pass")).getHeader().getKeyID();
        assertEquals(200, bearer("GET", "/hub/api/user", keycloak.accessToken("bob", "bob-keycloak-pass")).status());
        shareANewKeyWithAnotherRealm();

        String rotated = keycloak.accessToken("bob", "bob-keycloak-pass");
        assertNotEquals(before, SignedJWT.parse(rotated).getHeader().getKeyID(), "Keycloak signs with the new key");
        Response r = bearer("GET", "/hub/api/user", rotated);
        assertEquals(200, r.status(), r.body());

        String elsewhere = keycloak.passwordGrantIn("elsewhere", KeycloakServer.CLIENT_ID, "elsewhere-secret", "alice",
                "elsewhere-pass").get("access_token").asText();
        assertEquals(SignedJWT.parse(rotated).getHeader().getKeyID(), SignedJWT.parse(elsewhere).getHeader().getKeyID(),
                "both realms sign with the same key");
        assertRefused(elsewhere, "Keycloak token rejected: access token issuer '" + KeycloakServer.base()
                + "/realms/elsewhere' is not " + KeycloakServer.issuer());
    }

    @Test
    void aKeycloakUserReachesOnlyTheirOwnServersAndTokens() {
        String bob = keycloak.accessToken("bob", "bob-keycloak-pass");
        String carol = keycloak.accessToken("carol", "carol-keycloak-pass");
        Response minted = bearer("POST", "/hub/api/users/bob/tokens", bob, "{\"note\": \"from keycloak\"}");
        assertEquals(201, minted.status(), minted.body());
        String bobsTokenId = minted.json().get("id").asText();
        assertEquals(200, bearer("GET", "/hub/api/users/carol", carol).status());

        assertEquals(404, bearer("GET", "/hub/api/users/bob", carol).status());
        assertEquals(404, bearer("GET", "/hub/api/users/bob/tokens", carol).status());
        assertEquals(404, bearer("POST", "/hub/api/users/bob/tokens", carol, "{}").status());
        assertEquals(404, bearer("DELETE", "/hub/api/users/bob/tokens/" + bobsTokenId, carol).status());
        assertEquals(404, bearer("POST", "/hub/api/users/bob/server", carol).status());
        assertEquals(404, bearer("POST", "/hub/api/users/bob/servers/stolen", carol).status());
        assertEquals(404, bearer("DELETE", "/hub/api/users/bob/server", carol).status());
        assertEquals(403, bearer("GET", "/hub/api/users", carol).status());
        assertEquals(403, bearer("PATCH", "/hub/api/users/carol", carol, "{\"admin\": true}").status());

        assertEquals(200, hub.get("/hub/api/users/bob/tokens/" + bobsTokenId, minted.json().get("token").asText()).status(),
                "bob's token survived");
        assertEquals(404, bearer("GET", "/hub/api/users/bob/servers/stolen", bob).status(), "nothing was created");
        assertFalse(hub.admin("GET", "/hub/api/users/carol", null).json().get("admin").asBoolean());
    }

    // The realm gets a new signing key (a rotation), and a second realm signs with that same key.
    private static void shareANewKeyWithAnotherRealm() throws Exception {
        RSAKey shared = new RSAKeyGenerator(2048).generate();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(shared.toPrivateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----";
        keycloak.importSigningKey(KeycloakServer.REALM, pem, 500);
        keycloak.createRealm(Json.write(Map.of("realm", "elsewhere", "enabled", true, "sslRequired", "none",
                "users", List.of(Map.of("username", "alice", "enabled", true, "email", "alice@elsewhere.example.org",
                        "emailVerified", true, "firstName", "Alice", "lastName", "Elsewhere",
                        "credentials", List.of(Map.of("type", "password", "value", "elsewhere-pass", "temporary", false)))),
                "clients", List.of(Map.of("clientId", KeycloakServer.CLIENT_ID, "secret", "elsewhere-secret",
                        "publicClient", false, "directAccessGrantsEnabled", true,
                        "protocolMappers", List.of(Map.of("name", "hub audience", "protocol", "openid-connect",
                                "protocolMapper", "oidc-audience-mapper", "config", Map.of(
                                        "included.client.audience", KeycloakServer.CLIENT_ID, "access.token.claim", "true"))))))));
        keycloak.importSigningKey("elsewhere", pem, 500);
        // The hub refetches the JWKS for an unknown key at most every 10 seconds.
        TestHub.sleep(11_000);
    }

    private static String forged() throws Exception {
        String real = keycloak.accessToken("alice", "alice-keycloak-pass");
        SignedJWT parsed = SignedJWT.parse(real);
        RSAKey mine = new RSAKeyGenerator(2048).keyID(parsed.getHeader().getKeyID()).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(mine.getKeyID()).build(),
                parsed.getJWTClaimsSet());
        forged.sign(new RSASSASigner(mine));
        return forged.serialize();
    }

    private static JWTClaimsSet claimsOf(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet();
    }

    private static void assertRefused(String token, String message) {
        Response r = bearer("GET", "/hub/api/user", token);
        assertEquals(401, r.status(), r.body());
        assertEquals(message, r.json().get("message").asText());
    }

    private static Response bearer(String method, String path, String token) {
        return bearer(method, path, token, null);
    }

    private static Response bearer(String method, String path, String token, String body) {
        return hub.call(method, path, null, body, "Authorization", "Bearer " + token);
    }
}
