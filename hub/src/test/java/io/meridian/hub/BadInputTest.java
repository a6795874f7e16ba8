package io.meridian.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad input gets a JSON error with the right status and changes nothing. */
class BadInputTest {
    private static TestHub hub;

    @BeforeAll
    static void startHub() {
        hub = TestHub.start();
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"<script>", "..", "a..b", "Alice", "a b", "-lead", "a/b", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "é"})
    void badUserNamesAreRejectedEverywhere(String name) {
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        int before = userCount();
        Response create = hub.admin("POST", "/hub/api/users/" + encoded, null);
        assertTrue(create.status() == 400 || create.status() == 404, name + " -> " + create.status());
        assertError(create);
        Response bulk = hub.admin("POST", "/hub/api/users", "{\"usernames\": [\"fine-name\", " + quote(name) + "]}");
        assertEquals(400, bulk.status());
        assertError(bulk);
        assertEquals(before, userCount(), "nothing was created");
        assertEquals(404, hub.admin("GET", "/hub/api/users/fine-name", null).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GPU", "1gpu", "gpu-", "a--b", "has.dot", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void badServerNamesAreRejected(String server) {
        hub.admin("POST", "/hub/api/users/srvcheck", null);
        Response r = hub.admin("PUT", "/hub/api/users/srvcheck/servers/" + server, null);
        assertEquals(400, r.status(), server);
        assertError(r);
        assertTrue(hub.admin("GET", "/hub/api/users/srvcheck?include_stopped_servers", null).json().get("servers").isEmpty());
    }

    @Test
    void malformedJsonIs400() {
        Response r = hub.admin("POST", "/hub/api/users", "{\"usernames\": [\"x\"");
        assertEquals(400, r.status());
        assertError(r);
        assertEquals(400, hub.admin("POST", "/hub/api/users", "[1, 2]").status());
        assertEquals(400, hub.admin("POST", "/hub/api/users", "{\"usernames\": \"x\"}").status());
        hub.admin("POST", "/hub/api/users/jsoncheck", null);
        assertEquals(400, hub.admin("PATCH", "/hub/api/users/jsoncheck", "{\"admin\": \"yes\"}").status());
        assertFalse(hub.admin("GET", "/hub/api/users/jsoncheck", null).json().get("admin").asBoolean());
        assertEquals(400, hub.admin("POST", "/hub/api/users/jsoncheck/server", "{\"user_options\": 5}").status());
        assertEquals(400, hub.admin("POST", "/hub/api/users/jsoncheck/tokens", "{\"expires_in\": \"soon\"}").status());
        assertEquals(400, hub.admin("POST", "/hub/api/users/jsoncheck/activity", "{\"last_activity\": \"yesterday\"}").status());
        assertTrue(hub.admin("GET", "/hub/api/users/jsoncheck/tokens", null).json().get("api_tokens").isEmpty());
    }

    @Test
    void oversizedBodiesAre413() {
        String huge = "{\"usernames\": [\"" + "a".repeat(70_000) + "\"]}";
        Response r = hub.admin("POST", "/hub/api/users", huge);
        assertEquals(413, r.status());
        assertError(r);
    }

    @Test
    void oversizedChunkedBodiesAre413Too() throws Exception {
        byte[] huge = ("{\"usernames\": [\"" + "b".repeat(70_000) + "\"]}").getBytes(StandardCharsets.UTF_8);
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(hub.url("/hub/api/users")))
                .header("Authorization", "token " + TestHub.ADMIN_TOKEN)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge)))
                .build();
        var response = hub.http().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"status\":413"), response.body());
    }

    @Test
    void unknownRoutesAreJson404() {
        for (String path : new String[]{"/nope", "/hub/api/nope", "/hub/api/users/x/y/z", "/hub/static/../../etc/passwd"}) {
            Response r = hub.admin("GET", path, null);
            assertEquals(404, r.status(), path);
            assertError(r);
        }
        Response wrongMethod = hub.admin("PUT", "/hub/api/users", "{}");
        assertEquals(404, wrongMethod.status());
        assertError(wrongMethod);
    }

    @Test
    void missingCredentialsAre401Json() {
        Response r = hub.get("/hub/api/users", null);
        assertEquals(401, r.status());
        assertError(r);
        assertEquals(401, hub.get("/hub/api/users", "wrong").status());
    }

    private static void assertError(Response r) {
        assertTrue(r.header("Content-Type").orElse("").startsWith("application/json"), r.raw().headers().toString());
        JsonNode body = r.json();
        assertEquals(r.status(), body.get("status").asInt());
        assertFalse(body.get("message").asText().isBlank());
        assertFalse(r.body().contains("at io.") || r.body().contains("Exception"), "no stack traces: " + r.body());
    }

    private static int userCount() {
        return hub.admin("GET", "/hub/api/users?limit=200", null).json().size();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
