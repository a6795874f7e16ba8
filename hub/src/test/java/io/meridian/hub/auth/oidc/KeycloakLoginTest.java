package io.meridian.hub.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logging in to the hub through the real Keycloak, the way a browser does. */
@ExtendWith(KeycloakServer.class)
class KeycloakLoginTest {
    private static final KeycloakServer keycloak = new KeycloakServer();
    private static KeycloakHub hub;

    @BeforeAll
    static void startHub() {
        hub = KeycloakHub.start(Map.of());
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    @Test
    void aBrowserLogsInThroughKeycloakWithPkceAndGetsAHubSession() {
        Browser browser = new Browser();
        HttpResponse<String> start = browser.get(hub.url() + "/hub/oauth_login?next=/hub/home");
        assertEquals(302, start.statusCode());
        Map<String, String> auth = query(start.headers().firstValue("Location").orElseThrow());
        assertEquals("code", auth.get("response_type"));
        assertEquals("S256", auth.get("code_challenge_method"));
        assertEquals(KeycloakServer.CLIENT_ID, auth.get("client_id"));
        assertEquals(hub.url() + "/hub/oauth_callback", auth.get("redirect_uri"));
        assertTrue(auth.get("state").length() >= 32 && auth.get("nonce").length() >= 32);

        Browser.Navigation login = browser.logIn(hub.url(), "alice", "alice-keycloak-pass");
        assertTrue(login.visited(hub.url() + "/hub/oauth_callback?"), login.describe());
        assertEquals(hub.url() + "/hub/home", login.last().uri().toString());
        assertEquals(200, login.last().statusCode());
        assertTrue(browser.cookie(hub.url() + "/", "meridian-session").isPresent());

        JsonNode me = me(browser);
        assertEquals("alice", me.get("name").asText());
        assertTrue(me.get("admin").asBoolean(), "meridian-admin maps to hub admin");
        assertEquals(List.of("physics", "vo.meridian.eu"), names(me.get("groups")));
    }

    @Test
    void theInstructorRoleAndKeycloakGroupsBecomeHubGroups() {
        Browser browser = new Browser();
        browser.logIn(hub.url(), "bob", "bob-keycloak-pass");
        JsonNode me = me(browser);
        assertEquals("bob", me.get("name").asText());
        assertFalse(me.get("admin").asBoolean());
        assertEquals(List.of("chemistry", "instructors"), names(me.get("groups")));
    }

    @Test
    void groupChangesInKeycloakReachTheHubAtTheNextLogin() {
        Browser first = new Browser();
        first.logIn(hub.url(), "carol", "carol-keycloak-pass");
        assertEquals(List.of("visitors"), names(me(first).get("groups")));
        keycloak.addToGroup("carol", "chemistry");
        keycloak.removeFromGroup("carol", "visitors");
        try {
            Browser again = new Browser();
            again.logIn(hub.url(), "carol", "carol-keycloak-pass");
            assertEquals(List.of("chemistry"), names(me(again).get("groups")));
            Browser admin = new Browser();
            admin.logIn(hub.url(), "alice", "alice-keycloak-pass");
            JsonNode visitors = json(admin.get(hub.url() + "/hub/api/groups/visitors"));
            assertEquals(List.of(), names(visitors.get("users")), "carol left the Keycloak-managed group");
        } finally {
            keycloak.addToGroup("carol", "visitors");
            keycloak.removeFromGroup("carol", "chemistry");
        }
    }

    @Test
    void theAdminFlagFollowsTheKeycloakRoleAtEachLogin() {
        keycloak.grantRealmRole("carol", "meridian-admin");
        try {
            Browser promoted = new Browser();
            promoted.logIn(hub.url(), "carol", "carol-keycloak-pass");
            assertTrue(me(promoted).get("admin").asBoolean());
        } finally {
            keycloak.revokeRealmRole("carol", "meridian-admin");
        }
        Browser demoted = new Browser();
        demoted.logIn(hub.url(), "carol", "carol-keycloak-pass");
        assertFalse(me(demoted).get("admin").asBoolean());
    }

    @Test
    void logoutEndsTheHubSessionAndTheKeycloakSession() {
        Browser browser = new Browser();
        browser.logIn(hub.url(), "alice", "alice-keycloak-pass");
        String session = browser.cookie(hub.url() + "/", "meridian-session").orElseThrow();

        HttpResponse<String> logout = browser.get(hub.url() + "/hub/logout");
        assertEquals(302, logout.statusCode());
        String location = logout.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(KeycloakServer.issuer() + "/protocol/openid-connect/logout?"), location);
        Map<String, String> params = query(location);
        assertEquals(hub.url() + "/hub/login", params.get("post_logout_redirect_uri"));
        assertNotNull(params.get("id_token_hint"));

        Browser.Navigation back = browser.open(location);
        assertEquals(hub.url() + "/hub/login", back.last().uri().toString(), "Keycloak sends the browser back to the hub");
        assertEquals(401, new Browser().getWithCookie(hub.url() + "/hub/api/user", "meridian-session=" + session).statusCode(),
                "the old session cookie is dead");
        Browser.Navigation again = browser.open(hub.url() + "/hub/oauth_login");
        assertNotNull(again.page().selectFirst("form#kc-form-login"), "Keycloak asks for the password again");
    }

    @Test
    void aCallbackCannotBeReplayed() {
        Browser browser = new Browser();
        Browser.Navigation login = browser.logIn(hub.url(), "bob", "bob-keycloak-pass");
        String callback = login.hops().stream().map(h -> h.uri().toString())
                .filter(u -> u.startsWith(hub.url() + "/hub/oauth_callback?")).findFirst().orElseThrow();
        HttpResponse<String> replay = browser.get(callback);
        assertEquals(400, replay.statusCode());
        assertTrue(replay.body().contains("This login has expired"), replay.body());
    }

    @Test
    void aLoginStartedInOneBrowserCannotBeFinishedInAnother() {
        Browser victim = new Browser();
        String toKeycloak = victim.get(hub.url() + "/hub/oauth_login").headers().firstValue("Location").orElseThrow();
        Browser attacker = new Browser();
        Browser.Navigation form = attacker.open(toKeycloak);
        Browser.Navigation end = attacker.submit(form.page(), "form#kc-form-login",
                Map.of("username", "carol", "password", "carol-keycloak-pass"));
        assertEquals(400, end.last().statusCode());
        assertTrue(attacker.cookie(hub.url() + "/", "meridian-session").isEmpty());
    }

    @Test
    void aKeycloakUsersSessionReachesOnlyTheirOwnResources() {
        new Browser().logIn(hub.url(), "bob", "bob-keycloak-pass");
        Browser carol = new Browser();
        carol.logIn(hub.url(), "carol", "carol-keycloak-pass");
        assertEquals(200, carol.get(hub.url() + "/hub/api/users/carol").statusCode());
        assertEquals(404, carol.get(hub.url() + "/hub/api/users/bob").statusCode());
        assertEquals(404, carol.get(hub.url() + "/hub/api/users/bob/tokens").statusCode());
        assertEquals(403, carol.get(hub.url() + "/hub/api/users").statusCode());
        HttpResponse<String> withoutXsrf = carol.postForm(hub.url() + "/hub/api/users/carol/tokens", "note=x");
        assertEquals(403, withoutXsrf.statusCode(), "a cookie alone cannot change state");
    }

    @Test
    void aWrongPasswordStaysAtKeycloak() {
        Browser browser = new Browser();
        Browser.Navigation login = browser.logIn(hub.url(), "alice", "wrong-password");
        assertFalse(login.visited(hub.url() + "/hub/oauth_callback"));
        assertNotNull(login.page().selectFirst("form#kc-form-login"));
        assertTrue(browser.cookie(hub.url() + "/", "meridian-session").isEmpty());
    }

    private static JsonNode me(Browser browser) {
        HttpResponse<String> r = browser.get(hub.url() + "/hub/api/user");
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body());
        }
    }

    static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out.stream().sorted().toList();
    }

    static Map<String, String> query(String url) {
        Map<String, String> out = new HashMap<>();
        String q = URI.create(url).getRawQuery();
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
