package io.meridian.hub.quotas;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub;
import io.meridian.hub.TestHub.Response;
import io.meridian.hub.catalog.PlatformApiSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-user quotas on a real hub (local spawner, embedded database, local storage, the Docker engine for
 * deployments): the configured default, an admin's override over the API, each limit refusing with a clear
 * 4xx and changing nothing, and the user's own view with usage.
 */
class QuotaApiTest {
    private static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(TestHub.tempDir(), Map.of(), 20, 60, 0, """
                quota:
                  storage_bytes: 100000
                  servers: 3
                  deployments: 2
                """);
    }

    @AfterAll
    static void stop() {
        hub.stopAllServers();
        hub.close();
    }

    @Test
    void aUserSeesTheConfiguredDefaultAndTheirUsage() {
        String token = hub.userWithToken("quo-reader");
        upload(token, "/notes.txt", new byte[1234]);
        Response mine = hub.get("/api/v1/me/quota", token);
        assertEquals(200, mine.status(), mine.body());
        PlatformApiSpec.assertMatches("GET", "/me/quota", 200, mine.json());
        JsonNode quota = mine.json().path("quota");
        assertEquals(100000, quota.path("storage_bytes").asLong());
        assertEquals(3, quota.path("servers").asInt());
        assertEquals(2, quota.path("deployments").asInt());
        assertEquals(4, quota.path("cpu").asInt(), "deployments keep their old default where the file sets none");
        assertEquals(1234, mine.json().path("usage").path("storage_bytes").asLong());
        assertEquals(0, mine.json().path("usage").path("servers").asInt());
    }

    @Test
    void anAdminOverridesOneLimitAndTheOthersKeepTheDefault() {
        hub.userWithToken("quo-custom");
        Response set = hub.admin("PUT", "/api/v1/admin/users/quo-custom/quota", "{\"servers\": 5, \"gpus\": null}");
        assertEquals(200, set.status(), set.body());
        PlatformApiSpec.assertMatches("PUT", "/admin/users/{name}/quota", 200, set.json());
        JsonNode quota = set.json().path("quota");
        assertEquals(5, quota.path("servers").asInt());
        assertTrue(quota.path("gpus").isNull(), "null is no limit");
        assertEquals(100000, quota.path("storage_bytes").asLong());
        assertEquals(Map.of("servers", 5, "gpus", "null"), Map.of("servers", set.json().path("overrides").path("servers").asInt(),
                "gpus", set.json().path("overrides").path("gpus").toString()));

        JsonNode shown = hub.admin("GET", "/api/v1/admin/users/quo-custom/quota", null).json();
        assertEquals(5, shown.path("quota").path("servers").asInt(), "the override is stored");
        assertEquals(3, shown.path("defaults").path("servers").asInt());

        assertEquals(204, hub.admin("DELETE", "/api/v1/admin/users/quo-custom/quota", null).status());
        assertEquals(3, hub.admin("GET", "/api/v1/admin/users/quo-custom/quota", null).json().path("quota").path("servers").asInt());
    }

    @Test
    void quotaChangesAreAudited() {
        hub.userWithToken("quo-audited");
        assertEquals(200, hub.admin("PUT", "/api/v1/admin/users/quo-audited/quota", "{\"cpu\": 2}").status());
        JsonNode entries = hub.admin("GET", "/api/v1/admin/audit?actor=admin", null).json().path("entries");
        boolean found = false;
        for (JsonNode e : entries) {
            found |= e.path("path").asText().equals("/api/v1/admin/users/quo-audited/quota")
                    && e.path("method").asText().equals("PUT") && e.path("status").asInt() == 200;
        }
        assertTrue(found, entries.toString());
    }

    @Test
    void badQuotaInputsAreRefusedAndChangeNothing() {
        hub.userWithToken("quo-bad");
        assertEquals(200, hub.admin("PUT", "/api/v1/admin/users/quo-bad/quota", "{\"servers\": 2}").status());
        for (String body : List.of("{\"servers\": -1}", "{\"servers\": \"two\"}", "{\"servers\": 1.5}",
                "{\"cpus\": 1}", "[1]", "{\"servers\": 99999999999}", "not json")) {
            Response r = hub.admin("PUT", "/api/v1/admin/users/quo-bad/quota", body);
            assertEquals(400, r.status(), body + " -> " + r.body());
            PlatformApiSpec.assertError(r.json());
        }
        assertEquals(404, hub.admin("PUT", "/api/v1/admin/users/quo-nobody/quota", "{\"servers\": 1}").status());
        assertEquals(400, hub.admin("PUT", "/api/v1/admin/users/Not..Valid/quota", "{\"servers\": 1}").status());
        JsonNode after = hub.admin("GET", "/api/v1/admin/users/quo-bad/quota", null).json();
        assertEquals(2, after.path("quota").path("servers").asInt());
        assertEquals(1, after.path("overrides").size(), after.toString());
    }

    @Test
    void onlyAdminsReadOrSetQuotas() {
        String user = hub.userWithToken("quo-plain");
        Response set = hub.call("PUT", "/api/v1/admin/users/quo-plain/quota", user, "{\"storage_bytes\": 999999999}");
        assertEquals(403, set.status(), set.body());
        assertEquals(403, hub.get("/api/v1/admin/users/quo-plain/quota", user).status());
        assertEquals(403, hub.call("DELETE", "/api/v1/admin/users/quo-plain/quota", user, null).status());
        assertEquals(401, hub.get("/api/v1/me/quota", null).status());
        assertEquals(100000, hub.get("/api/v1/me/quota", user).json().path("quota").path("storage_bytes").asLong(),
                "the refused change left the default in place");
    }

    @Test
    void storageRefusesWhatWouldPassTheLimitAndKeepsNoPartialFile() throws Exception {
        String token = hub.userWithToken("quo-store");
        assertEquals(200, hub.admin("PUT", "/api/v1/admin/users/quo-store/quota", "{\"storage_bytes\": 1000}").status());
        assertEquals(201, upload(token, "/a.bin", new byte[600]).statusCode());

        HttpResponse<String> tooBig = upload(token, "/b.bin", new byte[600]);
        assertEquals(413, tooBig.statusCode(), tooBig.body());
        assertTrue(tooBig.body().contains("storage quota exceeded") && tooBig.body().contains("600 of 1000 bytes"), tooBig.body());

        // no Content-Length: the limit cuts the stream once it passes
        HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(hub.url("/api/v1/storage/files?path=/c.bin")))
                .header("Authorization", "token " + token)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[5000]))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());

        assertEquals(201, upload(token, "/a.bin", new byte[900]).statusCode(), "a replaced file's bytes count as free");
        Response copy = hub.call("POST", "/api/v1/storage/copy", token, "{\"from\": \"/a.bin\", \"to\": \"/d.bin\"}");
        assertEquals(413, copy.status(), copy.body());

        List<String> names = hub.get("/api/v1/storage/list?path=/", token).json().path("entries")
                .findValuesAsText("name");
        assertEquals(List.of("a.bin"), names);
        assertEquals(900, hub.get("/api/v1/me/quota", token).json().path("usage").path("storage_bytes").asLong());
        try (var files = java.nio.file.Files.list(hub.dataDir().resolve("storage/quo-store"))) {
            assertEquals(List.of("a.bin"), files.map(p -> p.getFileName().toString()).toList(), "no temporary upload is left");
        }
    }

    @Test
    void aServerStartPastTheServerLimitIsRefused() {
        String token = hub.userWithToken("quo-servers");
        assertEquals(200, hub.admin("PUT", "/api/v1/admin/users/quo-servers/quota", "{\"servers\": 1}").status());
        Response first = hub.post("/hub/api/users/quo-servers/server", token, "{}");
        assertTrue(first.status() == 201 || first.status() == 202, first.body());

        Response second = hub.post("/hub/api/users/quo-servers/servers/extra", token, "{}");
        assertEquals(403, second.status(), second.body());
        assertTrue(second.json().path("message").asText().contains("has 1 server(s) running or starting and the limit is 1"),
                second.body());
        JsonNode servers = hub.admin("GET", "/hub/api/users/quo-servers?include_stopped_servers", null).json().path("servers");
        assertTrue(servers.has(""), servers.toString());
        assertFalse(servers.has("extra"), "the refused server was not even recorded: " + servers);
        assertEquals(1, hub.get("/api/v1/me/quota", token).json().path("usage").path("servers").asInt());
    }

    @Test
    void deploymentsPastTheirCountOrResourceLimitAreRefused() {
        String token = hub.userWithToken("quo-deploy");
        assertEquals(200, hub.admin("PUT", "/api/v1/admin/users/quo-deploy/quota", "{\"deployments\": 0}").status());
        Response none = hub.post("/api/v1/deployments", token, "{\"image\": \"meridian/module-iris:latest\"}");
        assertEquals(403, none.status(), none.body());
        assertTrue(none.json().path("message").asText().contains("the limit is 0"), none.body());

        assertEquals(200, hub.admin("PUT", "/api/v1/admin/users/quo-deploy/quota", "{\"cpu\": 1, \"memory_mb\": 512}").status());
        Response big = hub.post("/api/v1/deployments", token,
                "{\"image\": \"meridian/module-iris:latest\", \"resources\": {\"cpu\": 2, \"memory_mb\": 256}}");
        assertEquals(403, big.status(), big.body());
        assertTrue(big.json().path("message").asText().contains("your quota is 1 CPUs, 512 MB and 1 GPUs"), big.body());
        assertEquals(0, hub.get("/api/v1/deployments", token).json().size(), "nothing was deployed");
    }

    private static HttpResponse<String> upload(String token, String path, byte[] content) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.url("/api/v1/storage/files?path=" + path)))
                    .header("Authorization", "token " + token)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
