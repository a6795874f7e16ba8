package io.meridian.hub.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub;
import io.meridian.hub.TestHub.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admins' actions are recorded (who, what, when), readable by admins only, and never hold request bodies. */
class AuditLogTest {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void anAdminsChangesAreRecordedWithoutTheirBodies() {
        assertEquals(201, hub.admin("POST", "/hub/api/users/audited", null).status());
        assertEquals(201, hub.admin("POST", "/hub/api/users/audited/tokens",
                "{\"note\": \"secret-note-that-must-not-be-logged\"}").status());
        assertEquals(404, hub.admin("DELETE", "/hub/api/users/nobody-here", null).status());

        List<JsonNode> entries = entries(hub.admin("GET", "/api/v1/admin/audit?actor=admin", null));

        JsonNode created = find(entries, "POST", "/hub/api/users/audited");
        assertEquals("admin", created.path("actor").asText());
        assertEquals(201, created.path("status").asInt());
        assertEquals("token", created.path("via").asText());
        assertTrue(created.path("at").asText().endsWith("Z"), created.toString());
        assertEquals(404, find(entries, "DELETE", "/hub/api/users/nobody-here").path("status").asInt(),
                "refused attempts are part of the trail too");
        assertFalse(hub.admin("GET", "/api/v1/admin/audit", null).body().contains("secret-note"));
    }

    @Test
    void aNormalUsersOwnChangesAreNotAdminActionsAndTheTrailIsAdminsOnly() {
        String token = hub.userWithToken("plain");
        assertEquals(201, hub.post("/hub/api/users/plain/tokens", token, "{}").status());

        assertTrue(entries(hub.admin("GET", "/api/v1/admin/audit?actor=plain", null)).isEmpty());
        Response refused = hub.get("/api/v1/admin/audit", token);
        assertEquals(403, refused.status(), refused.body());
    }

    @Test
    void badQueriesAreRefusedClearly() {
        Response badActor = hub.admin("GET", "/api/v1/admin/audit?actor=%3Cscript%3E", null);
        assertEquals(400, badActor.status(), badActor.body());
        Response badLimit = hub.admin("GET", "/api/v1/admin/audit?limit=many", null);
        assertEquals(400, badLimit.status(), badLimit.body());
        assertTrue(badLimit.json().path("message").asText().contains("limit"));
    }

    private static List<JsonNode> entries(Response response) {
        assertEquals(200, response.status(), response.body());
        List<JsonNode> list = new ArrayList<>();
        response.json().path("entries").forEach(list::add);
        return list;
    }

    private static JsonNode find(List<JsonNode> entries, String method, String path) {
        return entries.stream().filter(e -> e.path("method").asText().equals(method) && e.path("path").asText().equals(path))
                .findFirst().orElseThrow(() -> new AssertionError("no " + method + " " + path + " in " + entries));
    }
}
