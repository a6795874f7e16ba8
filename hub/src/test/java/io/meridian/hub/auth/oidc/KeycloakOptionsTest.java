package io.meridian.hub.auth.oidc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.meridian.hub.auth.oidc.KeycloakLoginTest.json;
import static io.meridian.hub.auth.oidc.KeycloakLoginTest.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hub settings around Keycloak: allowed groups, local login turned off, refreshing roles without a new login. */
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
