package io.meridian.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub.Response;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.meridian.hub.SpecValidator.assertMatches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every implemented /hub/api answer, checked against JupyterHub's OpenAPI spec and for its meaning. */
class RestApiSpecTest {
    private static TestHub hub;

    @BeforeAll
    static void startHub() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stopHub() {
        hub.stopAllServers();
        hub.close();
    }

    @Test
    void versionAndInfoFollowTheSpec() {
        Response version = hub.get("/hub/api/", null);
        assertEquals(200, version.status());
        assertMatches("GET", "/", 200, version.json());
        Response info = hub.admin("GET", "/hub/api/info", null);
        assertEquals(200, info.status());
        assertMatches("GET", "/info", 200, info.json());
        assertEquals("meridian.local", info.json().at("/spawner/class").asText());
    }

    @Test
    void currentUserCarriesTheTokensScopes() {
        String token = hub.userWithToken("spec-me", "read:users!user=spec-me");
        Response me = hub.get("/hub/api/user", token);
        assertEquals(200, me.status());
        assertMatches("GET", "/user", 200, me.json());
        assertEquals("spec-me", me.json().get("name").asText());
        List<String> scopes = Json.MAPPER.convertValue(me.json().get("scopes"), List.class);
        assertTrue(scopes.contains("read:users!user=spec-me"), scopes.toString());
        assertFalse(scopes.contains("servers!user=spec-me"), scopes.toString());
    }

    @Test
    void usersAreCreatedReadPatchedAndDeleted() {
        Response bulk = hub.admin("POST", "/hub/api/users", "{\"usernames\": [\"spec-a\", \"spec-b\"], \"admin\": false}");
        assertEquals(201, bulk.status(), bulk.body());
        assertMatches("POST", "/users", 201, bulk.json());
        assertEquals(2, bulk.json().size());

        Response one = hub.admin("POST", "/hub/api/users/spec-c", null);
        assertEquals(201, one.status());
        assertMatches("POST", "/users/{name}", 201, one.json());
        assertEquals(409, hub.admin("POST", "/hub/api/users/spec-c", null).status());

        Response got = hub.admin("GET", "/hub/api/users/spec-a", null);
        assertEquals(200, got.status());
        assertMatches("GET", "/users/{name}", 200, got.json());
        assertEquals("user", got.json().get("kind").asText());

        Response patched = hub.admin("PATCH", "/hub/api/users/spec-c", "{\"name\": \"spec-c2\", \"admin\": true}");
        assertEquals(200, patched.status(), patched.body());
        assertMatches("PATCH", "/users/{name}", 200, patched.json());
        assertEquals("spec-c2", patched.json().get("name").asText());
        assertTrue(patched.json().get("admin").asBoolean());
        assertEquals(404, hub.admin("GET", "/hub/api/users/spec-c", null).status());

        assertEquals(204, hub.admin("DELETE", "/hub/api/users/spec-c2", null).status());
        assertEquals(404, hub.admin("GET", "/hub/api/users/spec-c2", null).status());
    }

    @Test
    void usersListPaginatesAndFilters() {
        hub.admin("POST", "/hub/api/users", "{\"usernames\": [\"page-1\", \"page-2\", \"page-3\", \"other-4\"]}");
        Response list = hub.admin("GET", "/hub/api/users?limit=2&offset=0&name_filter=page-&sort=name", null);
        assertEquals(200, list.status());
        assertMatches("GET", "/users", 200, list.json());
        assertEquals(List.of("page-1", "page-2"), names(list.json()));

        Response paged = hub.call("GET", "/hub/api/users?limit=2&offset=2&name_filter=page-&sort=name", TestHub.ADMIN_TOKEN, null,
                "Accept", "application/jupyterhub-pagination+json");
        assertEquals(200, paged.status());
        JsonNode body = paged.json();
        assertEquals(List.of("page-3"), names(body.get("items")));
        assertEquals(3, body.at("/_pagination/total").asInt());
        assertTrue(body.at("/_pagination/next").isNull());

        Response first = hub.call("GET", "/hub/api/users?limit=1&name_filter=page-", TestHub.ADMIN_TOKEN, null,
                "Accept", "application/jupyterhub-pagination+json");
        assertEquals(1, first.json().at("/_pagination/next/offset").asInt());

        Response inactive = hub.admin("GET", "/hub/api/users?state=inactive&name_filter=other", null);
        assertEquals(List.of("other-4"), names(inactive.json()));
        assertEquals(List.of(), names(hub.admin("GET", "/hub/api/users?state=ready&name_filter=other", null).json()));
        assertEquals(400, hub.admin("GET", "/hub/api/users?state=sleepy", null).status());
    }

    @Test
    void tokensAreIssuedOnceListedReadAndRevoked() {
        hub.admin("POST", "/hub/api/users/spec-tok", null);
        Response issued = hub.admin("POST", "/hub/api/users/spec-tok/tokens",
                "{\"note\": \"ci\", \"expires_in\": 3600, \"scopes\": [\"read:users!user=spec-tok\"]}");
        assertEquals(201, issued.status(), issued.body());
        assertMatches("POST", "/users/{name}/tokens", 201, issued.json());
        String secret = issued.json().get("token").asText();
        String id = issued.json().get("id").asText();
        assertEquals(200, hub.get("/hub/api/users/spec-tok", secret).status());

        Response list = hub.admin("GET", "/hub/api/users/spec-tok/tokens", null);
        assertEquals(200, list.status());
        assertMatches("GET", "/users/{name}/tokens", 200, list.json());
        assertFalse(list.body().contains(secret), "a listed token must not reveal its secret");

        Response one = hub.admin("GET", "/hub/api/users/spec-tok/tokens/" + id, null);
        assertEquals(200, one.status());
        assertMatches("GET", "/users/{name}/tokens/{token_id}", 200, one.json());
        assertEquals("ci", one.json().get("note").asText());

        assertEquals(204, hub.admin("DELETE", "/hub/api/users/spec-tok/tokens/" + id, null).status());
        assertEquals(401, hub.get("/hub/api/users/spec-tok", secret).status());
        assertEquals(404, hub.admin("GET", "/hub/api/users/spec-tok/tokens/" + id, null).status());
    }

    @Test
    void groupsHaveMembersAndProperties() {
        hub.admin("POST", "/hub/api/users", "{\"usernames\": [\"grp-a\", \"grp-b\"]}");
        Response created = hub.admin("POST", "/hub/api/groups/physics", "{\"users\": [\"grp-a\"]}");
        assertEquals(201, created.status(), created.body());
        assertMatches("POST", "/groups/{name}", 201, created.json());

        Response added = hub.admin("POST", "/hub/api/groups/physics/users", "{\"users\": [\"grp-b\"]}");
        assertEquals(200, added.status());
        assertMatches("POST", "/groups/{name}/users", 200, added.json());
        assertEquals(List.of("grp-a", "grp-b"), Json.MAPPER.convertValue(added.json().get("users"), List.class));

        Response props = hub.admin("PUT", "/hub/api/groups/physics/properties", "{\"course\": \"PHY101\"}");
        assertEquals(200, props.status());
        assertMatches("PUT", "/groups/{name}/properties", 200, props.json());
        assertEquals("PHY101", props.json().at("/properties/course").asText());

        Response list = hub.admin("GET", "/hub/api/groups", null);
        assertMatches("GET", "/groups", 200, list.json());
        Response paged = hub.call("GET", "/hub/api/groups?limit=1", TestHub.ADMIN_TOKEN, null,
                "Accept", "application/jupyterhub-pagination+json");
        assertEquals(1, paged.json().get("items").size());
        assertTrue(paged.json().at("/_pagination/total").asInt() >= 1);
        Response one = hub.admin("GET", "/hub/api/groups/physics", null);
        assertMatches("GET", "/groups/{name}", 200, one.json());
        assertEquals(List.of("physics"), Json.MAPPER.convertValue(
                hub.admin("GET", "/hub/api/users/grp-a", null).json().get("groups"), List.class));

        Response removed = hub.admin("DELETE", "/hub/api/groups/physics/users", "{\"users\": [\"grp-a\"]}");
        assertEquals(200, removed.status());
        assertEquals(List.of("grp-b"), Json.MAPPER.convertValue(removed.json().get("users"), List.class));
        assertEquals(400, hub.admin("POST", "/hub/api/groups/physics/users", "{\"users\": [\"nobody-here\"]}").status());
        assertEquals(204, hub.admin("DELETE", "/hub/api/groups/physics", null).status());
        assertEquals(404, hub.admin("GET", "/hub/api/groups/physics", null).status());
    }

    @Test
    void namedServersAreCreatedRenamedAndRemoved() {
        hub.admin("POST", "/hub/api/users/spec-srv", null);
        Response created = hub.admin("PUT", "/hub/api/users/spec-srv/servers/gpu",
                "{\"display_name\": \"GPU box\", \"user_options\": {\"profile\": \"small\"}}");
        assertEquals(201, created.status(), created.body());
        assertMatches("PUT", "/users/{name}/servers/{server_name}", 201, created.json());
        assertEquals(409, hub.admin("PUT", "/hub/api/users/spec-srv/servers/gpu", null).status());

        Response got = hub.admin("GET", "/hub/api/users/spec-srv/servers/gpu", null);
        assertMatches("GET", "/users/{name}/servers/{server_name}", 200, got.json());
        assertTrue(got.json().get("stopped").asBoolean());
        assertEquals("small", got.json().at("/user_options/profile").asText());

        Response renamed = hub.admin("PATCH", "/hub/api/users/spec-srv/servers/gpu", "{\"name\": \"gpu2\"}");
        assertEquals(200, renamed.status(), renamed.body());
        assertMatches("PATCH", "/users/{name}/servers/{server_name}", 200, renamed.json());
        assertEquals("/user/spec-srv/gpu2/", renamed.json().get("url").asText());

        Response user = hub.admin("GET", "/hub/api/users/spec-srv?include_stopped_servers", null);
        assertTrue(user.json().at("/servers/gpu2").isObject(), user.body());
        assertFalse(hub.admin("GET", "/hub/api/users/spec-srv", null).json().at("/servers/gpu2").isObject());

        assertEquals(204, hub.call("DELETE", "/hub/api/users/spec-srv/servers/gpu2", TestHub.ADMIN_TOKEN, "{\"remove\": true}").status());
        assertEquals(404, hub.admin("GET", "/hub/api/users/spec-srv/servers/gpu2", null).status());
    }

    @Test
    void activityIsRecordedForUserAndServer() {
        hub.admin("POST", "/hub/api/users/spec-act", null);
        hub.admin("PUT", "/hub/api/users/spec-act/servers/lab", null);
        Response posted = hub.admin("POST", "/hub/api/users/spec-act/activity",
                "{\"last_activity\": \"2030-01-02T03:04:05Z\", \"servers\": {\"lab\": {\"last_activity\": \"2030-01-02T03:04:06Z\"}}}");
        assertEquals(200, posted.status(), posted.body());
        JsonNode user = hub.admin("GET", "/hub/api/users/spec-act?include_stopped_servers=1", null).json();
        assertTrue(user.get("last_activity").asText().startsWith("2030-01-02T03:04:06"), user.toString());
        assertTrue(user.at("/servers/lab/last_activity").asText().startsWith("2030-01-02T03:04:06"), user.toString());
        assertEquals(400, hub.admin("POST", "/hub/api/users/spec-act/activity",
                "{\"servers\": {\"nope\": {\"last_activity\": \"2030-01-02T03:04:06Z\"}}}").status());
    }

    @Test
    void healthAndMetricsDescribeTheHub() {
        Response health = hub.get("/hub/health", null);
        assertEquals(200, health.status());
        assertEquals("ok", health.json().at("/components/database/status").asText());
        assertEquals("local", health.json().at("/components/spawner/kind").asText());
        hub.get("/hub/api/", null);
        Response metrics = hub.admin("GET", "/hub/metrics", null);
        assertEquals(200, metrics.status());
        assertTrue(metrics.header("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        assertTrue(metrics.body().contains("meridian_servers{state=\"ready\"}"), metrics.body());
        assertTrue(metrics.body().contains("meridian_spawn_duration_seconds_bucket{outcome=\"success\",le=\"+Inf\"}"));
        assertTrue(metrics.body().contains("meridian_http_requests_total{method=\"GET\",code=\"200\"}"), metrics.body());
        assertEquals(401, hub.get("/hub/metrics", null).status());
    }

    @Test
    void platformApiIsMountedBesideTheHubApi() {
        Response document = hub.get("/api/v1/openapi.yaml", null);
        assertEquals(200, document.status());
        assertTrue(document.header("Content-Type").orElse("").startsWith("application/yaml"));
        assertEquals(401, hub.get("/api/v1/catalog/modules", null).status());
        String token = hub.userWithToken("platform-user");
        Response modules = hub.get("/api/v1/catalog/modules", token);
        assertEquals(200, modules.status(), modules.body());
        assertTrue(modules.json().isArray());
    }

    @Test
    void validatorRejectsABodyThatBreaksTheSpec() {
        JsonNode broken = Json.MAPPER.valueToTree(Map.of("name", "x", "admin", "yes", "kind", "user"));
        assertThrows(AssertionError.class, () -> assertMatches("GET", "/users/{name}", 200, broken));
    }

    private static List<String> names(JsonNode users) {
        return java.util.stream.StreamSupport.stream(users.spliterator(), false).map(u -> u.get("name").asText()).toList();
    }
}
