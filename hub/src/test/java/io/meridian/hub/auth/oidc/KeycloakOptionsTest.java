package io.meridian.hub.auth.oidc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.meridian.hub.TestHub;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static io.meridian.hub.auth.oidc.KeycloakLoginTest.json;
import static io.meridian.hub.auth.oidc.KeycloakLoginTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hub settings around Keycloak: allowed groups, local login turned off, refreshing roles without a
 * new login, Secure cookies, a wrong client secret; and no token or secret in the hub's log.
 */
@ExtendWith(KeycloakServer.class)
class KeycloakOptionsTest {
    private static final KeycloakServer keycloak = new KeycloakServer();

    @Test
    void onlyMembersOfAllowedGroupsGetIn() {
        try (KeycloakHub hub = KeycloakHub.start(Map.of("MERIDIAN_KEYCLOAK_ALLOWED_GROUPS", "physics,chemistry"))) {
            Browser carol = new Browser();
            Browser.Navigation denied = carol.logIn(hub.url(), "carol", "carol-keycloak-pass");
            assertEquals(403, denied.last().statusCode());
            assertTrue(denied.page().text().contains("Your Keycloak account carol is not in a group allowed on this hub"),
                    denied.describe());
            assertTrue(carol.cookie(hub.url() + "/", "meridian-session").isEmpty());

            Browser bob = new Browser();
            assertEquals(200, bob.logIn(hub.url(), "bob", "bob-keycloak-pass").last().statusCode());

            TestHub.Response api = hub.hub().call("GET", "/hub/api/user", null, null,
                    "Authorization", "Bearer " + keycloak.accessToken("carol", "carol-keycloak-pass"));
            assertEquals(403, api.status());
            assertEquals("Keycloak user carol is not in a group allowed on this hub", api.json().get("message").asText());
        }
    }

    @Test
    void withSecureCookiesConfiguredEveryLoginCookieIsSecure() {
        try (KeycloakHub hub = KeycloakHub.start(Map.of("MERIDIAN_COOKIE_SECURE", "true"))) {
            Browser browser = new Browser();
            List<String> hubCookies = new ArrayList<>(browser.get(hub.url() + "/hub/oauth_login").headers().allValues("Set-Cookie"));
            assertTrue(hubCookies.stream().anyMatch(c -> c.startsWith("meridian-oidc=")), hubCookies.toString());
            Browser.Navigation login = browser.logIn(hub.url(), "bob", "bob-keycloak-pass");
            login.hops().stream().filter(h -> h.uri().toString().startsWith(hub.url()))
                    .forEach(h -> hubCookies.addAll(h.headers().allValues("Set-Cookie")));
            assertTrue(hubCookies.stream().anyMatch(c -> c.startsWith("meridian-session=")), hubCookies.toString());
            for (String cookie : hubCookies) {
                assertTrue(cookie.contains("; Secure") && cookie.contains("; HttpOnly") && cookie.contains("SameSite=Lax"),
                        cookie);
            }
        }
    }

    @Test
    void tokensAndSecretsNeverReachTheLog() {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                lines.add(format.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        String session;
        String token;
        try (KeycloakHub wrongSecret = KeycloakHub.start(Map.of("MERIDIAN_KEYCLOAK_CLIENT_SECRET", "wrong-client-secret-4711"));
             KeycloakHub hub = KeycloakHub.start(Map.of())) {
            Browser.Navigation failed = new Browser().logIn(wrongSecret.url(), "alice", "alice-keycloak-pass");
            assertEquals(502, failed.last().statusCode());
            assertTrue(failed.page().text().contains("Keycloak could not complete the login"), failed.describe());

            Browser browser = new Browser();
            browser.logIn(hub.url(), "alice", "alice-keycloak-pass");
            session = browser.cookie(hub.url() + "/", "meridian-session").orElseThrow();
            token = keycloak.accessToken("bob", "bob-keycloak-pass");
            assertEquals(200, hub.hub().call("GET", "/hub/api/user", null, null, "Authorization", "Bearer " + token).status());
            String tampered = token.substring(0, token.length() - 4) + "AAAA";
            assertEquals(401, hub.hub().call("GET", "/hub/api/user", null, null, "Authorization", "Bearer " + tampered).status());
            browser.get(hub.url() + "/hub/logout");
        } finally {
            root.removeHandler(capture);
        }
        String log = String.join("", lines);
        assertTrue(log.contains("Keycloak login failed: exchanging the authorization code failed"), log);
        for (String secret : List.of("wrong-client-secret-4711", KeycloakServer.CLIENT_SECRET, "alice-keycloak-pass",
                session, token, token.substring(token.lastIndexOf('.') + 1))) {
            assertFalse(log.contains(secret), "the log shows a secret: " + secret.substring(0, 6) + "...");
        }
    }

    @Test
    void withLocalLoginOffTheLoginPageOffersOnlyKeycloak() {
        try (KeycloakHub hub = KeycloakHub.start(Map.of("MERIDIAN_LOCAL_LOGIN", "false"))) {
            Browser browser = new Browser();
            Browser.Navigation page = browser.open(hub.url() + "/hub/login?next=/hub/token");
            assertEquals(200, page.last().statusCode());
            assertNull(page.page().selectFirst("input[type=password]"), "no password form");
            assertEquals("/hub/oauth_login?next=%2Fhub%2Ftoken",
                    page.page().selectFirst("a:contains(Log in with Keycloak)").attr("href"));
            HttpResponse<String> post = browser.postForm(hub.url() + "/hub/login", "username=admin&password=x");
            assertEquals(403, post.statusCode());
            assertTrue(post.body().contains("Local accounts are turned off"), post.body());
        }
    }

    @Test
    void withLocalLoginOnThePasswordFormStaysNextToTheKeycloakLink() {
        try (KeycloakHub hub = KeycloakHub.start(Map.of())) {
            Browser browser = new Browser();
            Browser.Navigation page = browser.open(hub.url() + "/hub/login?next=/hub/token");
            assertEquals(200, page.last().statusCode());
            assertFalse(page.page().select("input[type=password]").isEmpty());
            assertEquals("/hub/oauth_login?next=%2Fhub%2Ftoken",
                    page.page().selectFirst("a:contains(Log in with Keycloak)").attr("href"));
            // The local admin still logs in with a password, and logs out of the hub only.
            Browser.Navigation local = browser.submit(page.page(), "form[action=/hub/login]",
                    Map.of("username", "admin", "password", io.meridian.hub.TestHub.ADMIN_PASSWORD));
            assertEquals(hub.url() + "/hub/token", local.last().uri().toString(), local.describe());
            HttpResponse<String> logout = browser.get(hub.url() + "/hub/logout");
            assertEquals("/hub/login", logout.headers().firstValue("Location").orElseThrow());
        }
    }

    @Test
    void refreshReadsNewGroupsWithoutANewLogin() {
        try (KeycloakHub hub = KeycloakHub.start(Map.of())) {
            Browser bob = new Browser();
            bob.logIn(hub.url(), "bob", "bob-keycloak-pass");
            keycloak.addToGroup("bob", "physics");
            try {
                Browser.Navigation refreshed = bob.open(hub.url() + "/hub/oauth_refresh?next=/hub/home");
                assertEquals(hub.url() + "/hub/home", refreshed.last().uri().toString(), refreshed.describe());
                assertFalse(refreshed.visited(KeycloakServer.base()), "no trip through Keycloak's pages");
                assertEquals(List.of("chemistry", "instructors", "physics"),
                        names(json(bob.get(hub.url() + "/hub/api/user")).get("groups")));
            } finally {
                keycloak.removeFromGroup("bob", "physics");
            }
        }
    }
}
