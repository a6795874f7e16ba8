package io.meridian.hub;

import io.meridian.hub.TestHub.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may do what: user B against user A's resources, non-admins, and tokens limited to their scopes. */
class AccessMatrixTest {
    private static TestHub hub;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void startHub() {
        hub = TestHub.start();
        alice = hub.userWithToken("alice");
        bob = hub.userWithToken("bob");
        assertTrue(hub.post("/hub/api/users/alice/server", alice, null).status() / 100 == 2);
        ServerLifecycleTest.waitFor(() -> hub.get("/hub/api/users/alice", alice).json().at("/servers//ready").asBoolean());
    }

    @AfterAll
    static void stopHub() {
        hub.stopAllServers();
        hub.close();
    }

    @Test
    void bobCannotReadAlice() {
        assertEquals(404, hub.get("/hub/api/users/alice", bob).status());
        assertEquals(404, hub.get("/hub/api/users/alice/servers/x", bob).status());
        assertEquals(404, hub.get("/hub/api/users/alice/server/progress", bob).status());
    }

    @Test
    void bobCannotStartOrStopAlicesServers() {
        assertEquals(404, hub.post("/hub/api/users/alice/servers/mine", bob, null).status());
        assertEquals(404, hub.call("DELETE", "/hub/api/users/alice/server", bob, null).status());
        assertEquals(404, hub.call("PUT", "/hub/api/users/alice/servers/new", bob, null).status());
        assertTrue(hub.get("/hub/api/users/alice", alice).json().at("/servers//ready").asBoolean(), "still running");
        assertEquals(404, hub.get("/hub/api/users/alice/servers/new", alice).status(), "nothing was created");
    }

    @Test
    void bobCannotTakeOrListAlicesTokens() {
        assertEquals(404, hub.post("/hub/api/users/alice/tokens", bob, "{}").status());
        assertEquals(404, hub.get("/hub/api/users/alice/tokens", bob).status());
        assertEquals(404, hub.call("DELETE", "/hub/api/users/alice/tokens/a1", bob, null).status());
        assertEquals(200, hub.get("/hub/api/users/alice", alice).status(), "alice's token still works");
    }

    @Test
    void bobCannotReachAlicesServerThroughTheProxy() {
        assertEquals(200, hub.get("/user/alice/api/status", alice).status());
        assertEquals(403, hub.get("/user/alice/api/status", bob).status());
        assertEquals(401, hub.get("/user/alice/api/status", "not-a-token").status());
        assertEquals(401, hub.get("/user/alice/api/status", null).status());
    }

    @Test
    void nonAdminCannotListOrCreateUsersOrGroups() {
        assertEquals(403, hub.get("/hub/api/users", bob).status());
        assertEquals(403, hub.post("/hub/api/users", bob, "{\"usernames\": [\"mallory\"]}").status());
        assertEquals(403, hub.call("POST", "/hub/api/users/mallory", bob, null).status());
        assertEquals(403, hub.call("PATCH", "/hub/api/users/bob", bob, "{\"admin\": true}").status());
        assertEquals(403, hub.get("/hub/api/groups", bob).status());
        assertEquals(403, hub.post("/hub/api/groups/g1", bob, null).status());
        assertEquals(403, hub.get("/hub/api/info", bob).status());
        assertEquals(403, hub.get("/hub/metrics", bob).status());
        assertEquals(404, hub.admin("GET", "/hub/api/users/mallory", null).status());
        assertTrue(!hub.admin("GET", "/hub/api/users/bob", null).json().get("admin").asBoolean());
    }

    @Test
    void aTokenHasOnlyTheScopesItWasGiven() {
        String readOnly = hub.userWithToken("carol", "read:users!user=carol");
        assertEquals(200, hub.get("/hub/api/users/carol", readOnly).status());
        assertEquals(403, hub.post("/hub/api/users/carol/server", readOnly, null).status());
        assertEquals(403, hub.post("/hub/api/users/carol/tokens", readOnly, "{}").status(), "cannot mint a stronger token");
        assertEquals(403, hub.get("/hub/api/users/carol/tokens", readOnly).status());
    }

    @Test
    void aUserCannotGrantScopesTheyDoNotHave() {
        Response r = hub.post("/hub/api/users/bob/tokens", bob, "{\"scopes\": [\"admin:users\"]}");
        assertEquals(403, r.status(), r.body());
        Response unknown = hub.post("/hub/api/users/bob/tokens", bob, "{\"scopes\": [\"root\"]}");
        assertEquals(400, unknown.status());
        Response own = hub.post("/hub/api/users/bob/tokens", bob, "{\"scopes\": [\"read:users!user=bob\"]}");
        assertEquals(201, own.status(), own.body());
    }

    @Test
    void adminCanDoAllOfIt() {
        assertEquals(200, hub.admin("GET", "/hub/api/users/alice", null).status());
        assertEquals(200, hub.admin("GET", "/hub/api/users", null).status());
        assertEquals(200, hub.admin("GET", "/user/alice/api/status", null).status());
        assertEquals(200, hub.admin("GET", "/hub/api/users/alice/tokens", null).status());
    }

    @Test
    void groupFilteredScopesReachOnlyTheGroupsMembers() {
        assertEquals(201, hub.admin("POST", "/hub/api/groups/lab-team", "{\"users\": [\"alice\"]}").status());
        Response issued = hub.admin("POST", "/hub/api/users/admin/tokens", "{\"scopes\": [\"read:users!group=lab-team\"]}");
        assertEquals(201, issued.status(), issued.body());
        String teamReader = issued.json().get("token").asText();
        assertEquals(200, hub.get("/hub/api/users/alice", teamReader).status());
        assertEquals(404, hub.get("/hub/api/users/bob", teamReader).status());
        assertEquals(403, hub.post("/hub/api/users/alice/server", teamReader, null).status());
    }

    @Test
    void expiredTokensAreRejected() {
        hub.admin("POST", "/hub/api/users/dave", null);
        Response issued = hub.admin("POST", "/hub/api/users/dave/tokens", "{\"expires_in\": 1}");
        String token = issued.json().get("token").asText();
        assertEquals(200, hub.get("/hub/api/user", token).status());
        TestHub.sleep(1500);
        assertEquals(401, hub.get("/hub/api/user", token).status());
    }
}
