package io.meridian.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.meridian.hub.SpecValidator.assertMatches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Starting and stopping real Jupyter servers through the local spawner: lifecycle state in the
 * database, honest progress over SSE (also for late subscribers), the per-spawn API token, and
 * re-adoption by a restarted hub.
 */
class ServerLifecycleTest {
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
    void defaultServerStartsStreamsProgressAndStops() {
        String token = hub.userWithToken("life-a");
        Response start = hub.post("/hub/api/users/life-a/server", token, "{\"user_options\": {\"profile\": \"tiny\"}}");
        assertTrue(start.status() == 201 || start.status() == 202, start.status() + " " + start.body());

        ProgressEvents progress = ProgressEvents.read(hub.http(), hub.url("/hub/api/users/life-a/server/progress"), token,
                Duration.ofSeconds(90));
        assertEquals(200, progress.status());
        assertTrue(progress.contentType().startsWith("text/event-stream"), progress.contentType());
        JsonNode ready = progress.last();
        assertTrue(ready.path("ready").asBoolean(), progress.events().toString());
        assertEquals(100, ready.get("progress").asInt());
        assertEquals("/user/life-a/", ready.get("url").asText());
        assertEquals(0, progress.events().getFirst().get("progress").asInt());
        assertTrue(progress.events().size() >= 3, "expected the spawner's own steps: " + progress.events());

        JsonNode user = hub.get("/hub/api/users/life-a", token).json();
        assertMatches("GET", "/users/{name}", 200, user);
        assertEquals("/user/life-a/", user.get("server").asText());
        assertTrue(user.at("/servers//ready").asBoolean(), user.toString());
        assertEquals("tiny", user.at("/servers//user_options/profile").asText());
        assertTrue(user.at("/servers//state").isMissingNode(), "spawner state is only for admin:server_state");

        // A late subscriber still sees the whole story, ending in ready.
        ProgressEvents late = ProgressEvents.read(hub.http(), hub.url("/hub/api/users/life-a/server/progress"), token,
                Duration.ofSeconds(10));
        assertEquals(progress.events(), late.events());

        Response again = hub.post("/hub/api/users/life-a/server", token, null);
        assertEquals(400, again.status());

        Response proxied = hub.get("/user/life-a/api/status", token);
        assertEquals(200, proxied.status(), proxied.body());

        int stop = hub.call("DELETE", "/hub/api/users/life-a/server", token, null).status();
        assertTrue(stop == 204 || stop == 202);
        waitFor(() -> hub.get("/hub/api/users/life-a", token).json().at("/servers").isEmpty());
        JsonNode stopped = hub.get("/hub/api/users/life-a?include_stopped_servers", token).json();
        assertTrue(stopped.at("/servers//stopped").asBoolean(), stopped.toString());
        assertEquals(503, hub.get("/user/life-a/api/status", token).status());
    }

    @Test
    void serverGetsAHubTokenScopedToItsUserThatIsRevokedOnStop() throws Exception {
        hub.userWithToken("life-b");
        int started = hub.admin("POST", "/hub/api/users/life-b/servers/env", "{}").status();
        assertTrue(started == 201 || started == 202, "status " + started);
        waitFor(() -> hub.admin("GET", "/hub/api/users/life-b/servers/env", null).json().path("ready").asBoolean());
        JsonNode state = hub.admin("GET", "/hub/api/users/life-b/servers/env", null).json().get("state");
        assertNotNull(state, "admins see the spawner state");
        String pid = state.get("pid").asText();
        Map<String, String> env = processEnvironment(pid);
        assertEquals("life-b", env.get("MERIDIAN_USER"));
        assertEquals("env", env.get("MERIDIAN_SERVER_NAME"));
        assertTrue(env.get("MERIDIAN_HUB_API_URL").endsWith("/hub/api"), env.toString());
        assertTrue(env.getOrDefault("MERIDIAN_KERNEL_EXTENSIONS", "").contains("meridian-platform"),
                "the platform extension built beside the hub is handed to the kernel: " + env.get("MERIDIAN_KERNEL_EXTENSIONS"));
        String serverToken = env.get("MERIDIAN_API_TOKEN");
        assertEquals(200, hub.get("/hub/api/users/life-b", serverToken).status());
        assertEquals(404, hub.get("/hub/api/users/life-a", serverToken).status(), "scoped to its own user");
        assertEquals(403, hub.get("/hub/api/users", serverToken).status());

        assertTrue(hub.admin("DELETE", "/hub/api/users/life-b/servers/env", null).status() / 100 == 2);
        waitFor(() -> hub.admin("GET", "/hub/api/users/life-b/servers/env", null).json().path("stopped").asBoolean());
        assertEquals(401, hub.get("/hub/api/users/life-b", serverToken).status(), "revoked on stop");
    }

    @Test
    void progressOfAServerThatIsNotStartingIsAClearError() {
        hub.userWithToken("life-c");
        hub.admin("PUT", "/hub/api/users/life-c/servers/idle", null);
        Response r = hub.admin("GET", "/hub/api/users/life-c/servers/idle/progress", null);
        assertEquals(400, r.status());
        assertTrue(r.json().get("message").asText().contains("not starting"));
    }

    @Test
    void restartedHubReadoptsLiveServersAndStopsDeadOnes() throws Exception {
        var dataDir = TestHub.tempDir();
        String alivePid;
        String deadPid;
        String aliveUrl;
        try (TestHub first = TestHub.start(dataDir, Map.of())) {
            String token = first.userWithToken("keep");
            first.userWithToken("lose");
            first.post("/hub/api/users/keep/server", token, null);
            first.admin("POST", "/hub/api/users/lose/server", null);
            waitFor(() -> first.admin("GET", "/hub/api/users?state=ready", null).json().size() == 2);
            alivePid = first.admin("GET", "/hub/api/users/keep", null).json().at("/servers//state/pid").asText();
            deadPid = first.admin("GET", "/hub/api/users/lose", null).json().at("/servers//state/pid").asText();
            aliveUrl = first.admin("GET", "/hub/api/users/keep", null).json().at("/servers//state/port").asText();
            assertEquals(200, first.get("/user/keep/api/status", token).status());
        }
        // The hub is gone; one server dies meanwhile.
        ProcessHandle.of(Long.parseLong(deadPid)).ifPresent(ProcessHandle::destroyForcibly);
        waitFor(() -> ProcessHandle.of(Long.parseLong(deadPid)).map(p -> !p.isAlive()).orElse(true));

        try (TestHub second = TestHub.start(dataDir, Map.of())) {
            JsonNode keep = second.admin("GET", "/hub/api/users/keep", null).json();
            assertTrue(keep.at("/servers//ready").asBoolean(), keep.toString());
            assertEquals(alivePid, keep.at("/servers//state/pid").asText());
            assertEquals(aliveUrl, keep.at("/servers//state/port").asText());
            JsonNode lose = second.admin("GET", "/hub/api/users/lose?include_stopped_servers", null).json();
            assertTrue(lose.at("/servers//stopped").asBoolean(), lose.toString());
            assertTrue(lose.at("/servers//message").asText().contains("no longer running"), lose.toString());
            // Same server token: the proxy still gets through to the re-adopted server.
            String token = second.userWithToken("keep");
            assertEquals(200, second.get("/user/keep/api/status", token).status());
            second.stopAllServers();
            waitFor(() -> ProcessHandle.of(Long.parseLong(alivePid)).map(p -> !p.isAlive()).orElse(true));
        }
    }

    @Test
    void concurrentSpawnsBeyondTheLimitAre429WithRetryAfter() {
        try (TestHub small = TestHub.start(TestHub.tempDir(), Map.of(), 1)) {
            small.userWithToken("lim-a");
            small.userWithToken("lim-b");
            Response first = small.admin("POST", "/hub/api/users/lim-a/server", null);
            assertEquals(202, first.status(), "a local spawn takes longer than the 200 ms answer time");
            Response second = small.admin("POST", "/hub/api/users/lim-b/server", null);
            assertEquals(429, second.status(), second.body());
            assertTrue(second.header("Retry-After").isPresent());
            assertTrue(second.json().get("message").asText().contains("limit 1"));
            JsonNode lost = small.admin("GET", "/hub/api/users/lim-b?include_stopped_servers", null).json();
            assertFalse(lost.at("/servers//pending").isTextual(), "the refused start changed nothing: " + lost);
            waitFor(() -> small.admin("GET", "/hub/api/users/lim-a", null).json().at("/servers//ready").asBoolean());
            small.stopAllServers();
        }
    }

    @Test
    void aServerThatNeverAnswersFailsAtTheStartTimeoutWithAClearEvent() throws Exception {
        // A real process that never serves HTTP, in place of jupyter.
        java.nio.file.Path dir = TestHub.tempDir();
        java.nio.file.Path silent = dir.resolve("silent-jupyter");
        java.nio.file.Files.writeString(silent, "#!/bin/sh\nexec sleep 300\n");
        silent.toFile().setExecutable(true);
        try (TestHub slow = TestHub.start(dir.resolve("data"), Map.of("MERIDIAN_JUPYTER", silent.toString()), 5, 2)) {
            String token = slow.userWithToken("slowpoke");
            assertEquals(202, slow.post("/hub/api/users/slowpoke/server", token, null).status());
            ProgressEvents progress = ProgressEvents.read(slow.http(), slow.url("/hub/api/users/slowpoke/server/progress"),
                    token, Duration.ofSeconds(60));
            JsonNode last = progress.last();
            assertTrue(last.path("failed").asBoolean(), progress.events().toString());
            assertTrue(last.get("message").asText().startsWith("Spawn failed:"), last.toString());
            JsonNode user = slow.get("/hub/api/users/slowpoke?include_stopped_servers", token).json();
            assertTrue(user.at("/servers//stopped").asBoolean(), user.toString());
            assertTrue(user.at("/servers//message").asText().length() > 0, user.toString());
        }
    }

    @Test
    void aServerThatDiesIsFoundByPollingAndMarkedStopped() {
        String token = hub.userWithToken("life-d");
        hub.post("/hub/api/users/life-d/server", token, null);
        waitFor(() -> hub.admin("GET", "/hub/api/users/life-d", null).json().at("/servers//ready").asBoolean());
        long pid = hub.admin("GET", "/hub/api/users/life-d", null).json().at("/servers//state/pid").asLong();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        waitFor(() -> hub.admin("GET", "/hub/api/users/life-d?include_stopped_servers", null).json().at("/servers//stopped").asBoolean());
        JsonNode user = hub.admin("GET", "/hub/api/users/life-d?include_stopped_servers", null).json();
        assertTrue(user.at("/servers//message").asText().contains("stopped by itself"), user.toString());
        assertEquals(503, hub.get("/user/life-d/api/status", token).status());
    }

    @Test
    void theIdleCullerStopsServersWithoutActivity() {
        try (TestHub culling = TestHub.start(TestHub.tempDir(), Map.of(), 5, 60, 3)) {
            String token = culling.userWithToken("idle-user");
            culling.post("/hub/api/users/idle-user/server", token, null);
            waitFor(() -> culling.admin("GET", "/hub/api/users/idle-user", null).json().at("/servers//ready").asBoolean());
            waitFor(() -> culling.admin("GET", "/hub/api/users/idle-user", null).json().at("/servers").isEmpty());
            JsonNode user = culling.admin("GET", "/hub/api/users/idle-user?include_stopped_servers", null).json();
            assertTrue(user.at("/servers//stopped").asBoolean(), user.toString());
        }
    }

    @Test
    void aUserWithARunningServerIsNotDeletedUntilItStops() {
        String token = hub.userWithToken("life-e");
        hub.post("/hub/api/users/life-e/servers/doomed", token, null);
        waitFor(() -> hub.admin("GET", "/hub/api/users/life-e", null).json().at("/servers/doomed/ready").asBoolean());
        Response refused = hub.admin("DELETE", "/hub/api/users/life-e", null);
        assertEquals(400, refused.status());
        assertTrue(refused.json().get("message").asText().contains("stop the servers"));
        assertTrue(hub.admin("GET", "/hub/api/users/life-e", null).json().at("/servers/doomed/ready").asBoolean());
        assertTrue(hub.admin("DELETE", "/hub/api/users/life-e/servers/doomed", null).status() / 100 == 2);
        waitFor(() -> hub.admin("GET", "/hub/api/users/life-e", null).json().at("/servers").isEmpty());
        assertEquals(204, hub.admin("DELETE", "/hub/api/users/life-e", null).status());
        assertEquals(401, hub.get("/hub/api/user", token).status(), "the user's tokens went with them");
    }

    @Test
    void stoppingAServerThatIsStartingCancelsTheStart() throws Exception {
        java.nio.file.Path dir = TestHub.tempDir();
        java.nio.file.Path silent = dir.resolve("silent-jupyter");
        java.nio.file.Files.writeString(silent, "#!/bin/sh\nexec sleep 300\n");
        silent.toFile().setExecutable(true);
        try (TestHub slow = TestHub.start(dir.resolve("data"), Map.of("MERIDIAN_JUPYTER", silent.toString()), 5, 60)) {
            String token = slow.userWithToken("canceller");
            assertEquals(202, slow.post("/hub/api/users/canceller/servers/big", token, null).status());
            waitFor(() -> slow.admin("GET", "/hub/api/users/canceller", null).json().at("/servers/big/pending").asText().equals("spawn"));
            TestHub.sleep(500);
            Response stop = slow.call("DELETE", "/hub/api/users/canceller/servers/big", token, null);
            assertTrue(stop.status() == 204 || stop.status() == 202, stop.status() + " " + stop.body());
            ProgressEvents progress = ProgressEvents.read(slow.http(), slow.url("/hub/api/users/canceller/servers/big/progress"),
                    token, Duration.ofSeconds(30));
            assertTrue(progress.last().path("failed").asBoolean(), progress.events().toString());
            assertTrue(progress.last().get("message").asText().contains("cancelled"), progress.last().toString());
            long pid = progress.events().stream().filter(e -> e.at("/details/pid").isNumber())
                    .mapToLong(e -> e.at("/details/pid").asLong()).findFirst().orElseThrow();
            waitFor(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            waitFor(() -> slow.admin("GET", "/hub/api/users/canceller/servers/big", null).json().path("stopped").asBoolean());
        }
    }

    static Map<String, String> processEnvironment(String pid) throws Exception {
        byte[] raw = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", pid, "environ"));
        Map<String, String> env = new java.util.HashMap<>();
        for (String entry : new String(raw).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 90 s");
            }
            TestHub.sleep(200);
        }
    }
}
