package io.meridian.hub.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.DockerCli;
import io.meridian.hub.ProgressEvents;
import io.meridian.hub.TestHub;
import io.meridian.hub.TestHub.Response;
import io.meridian.hub.proxy.KernelMessages;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.meridian.hub.DockerCli.docker;

/**
 * The hub with {@code spawner: docker}, driven only through its public HTTP API, against the real Docker
 * engine and the real notebook image: profiles, progress, JupyterLab and the Java kernel through the proxy,
 * persistence of the home across stops and hub restarts, crashes noticed by polling, GPU bookkeeping on a
 * host without GPUs, and ten concurrent spawns.
 */
class DockerHubTest {
    private static final String IMAGE = "meridian/notebook:latest";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String HUB_ID = "hubtest-" + RUN;
    private static final String NETWORK = "meridian-hubtest-" + RUN;
    private static final Duration SPAWN_WAIT = Duration.ofSeconds(420);

    private TestHub hub;

    @BeforeAll
    static void dockerAndImageArePresent() {
        String image = docker("image", "inspect", "--format", "{{.Id}}", IMAGE);
        assertTrue(image.startsWith("sha256:"), "the notebook image is needed (images/build.sh): " + image);
    }

    @AfterEach
    void stopHub() {
        if (hub != null) {
            hub.stopAllServers();
            hub.close();
        }
    }

    @AfterAll
    static void removeContainersVolumesAndNetwork() {
        DockerCli.removeHubResources(HUB_ID, NETWORK);
    }

    @Test
    void serverWithProfileServesLabAndJavaAndKeepsHomeAndKernelAcrossHubRestart() throws Exception {
        int port = TestHub.freePort();
        Path data = TestHub.tempDir();
        hub = startHub(data, Map.of("MERIDIAN_PORT", Integer.toString(port)));
        String user = "ada" + RUN;
        String token = hub.userWithToken(user);

        Response start = hub.post("/hub/api/users/" + user + "/server", token, "{\"profile\": \"small\"}");
        assertTrue(start.status() == 201 || start.status() == 202, start.status() + " " + start.body());
        ProgressEvents progress = ProgressEvents.read(hub.http(), hub.url("/hub/api/users/" + user + "/server/progress"),
                token, SPAWN_WAIT);
        assertTrue(progress.last().path("ready").asBoolean(), "spawn did not become ready: " + progress.events());
        Set<String> phases = progress.events().stream().map(e -> e.at("/details/phase").asText())
                .filter(p -> !p.isEmpty()).collect(Collectors.toSet());
        assertTrue(phases.containsAll(Set.of("prepare", "create", "start")), "phases seen: " + phases);
        assertTrue(progress.events().toString().contains("Small (1 core, 1 GiB)"), "profile named in progress: " + progress.events());

        Response lab = hub.get("/user/" + user + "/lab", token);
        assertEquals(200, lab.status(), lab.body());
        assertTrue(lab.header("Content-Type").orElse("").startsWith("text/html"), lab.raw().headers().toString());
        assertTrue(lab.body().contains("JupyterLab"), "a JupyterLab page: " + lab.body().substring(0, Math.min(300, lab.body().length())));

        Response saved = hub.call("PUT", "/user/" + user + "/api/contents/kept.txt", token,
                Json.write(Map.of("type", "file", "format", "text", "content", "written before the restarts")));
        assertTrue(saved.status() == 201 || saved.status() == 200, saved.status() + " " + saved.body());
        String kernelId = startJavaKernel(user, token);
        try (KernelMessages kernel = kernel(user, token, kernelId)) {
            assertEquals("42", kernel.execute("int answer = 6 * 7;\nanswer", Duration.ofSeconds(180)));
            assertEquals("\"" + user + "\"", kernel.execute("platform.me().name()", Duration.ofSeconds(60)),
                    "the image's platform extension calls the hub back from inside the container");
        }

        // the hub goes away with the server running and comes back on the same port and data
        hub.close();
        hub = startHub(data, Map.of("MERIDIAN_PORT", Integer.toString(port)));
        JsonNode server = hub.get("/hub/api/users/" + user, token).json().at("/servers/");
        assertTrue(server.path("ready").asBoolean(), "re-adopted after the restart: " + server);
        assertEquals("/user/" + user + "/", server.path("url").asText());
        try (KernelMessages kernel = kernel(user, token, kernelId)) {
            assertEquals("43", kernel.execute("answer + 1", Duration.ofSeconds(60)), "the same kernel, state intact");
        }

        stopAndWait(user, token);
        Response again = hub.post("/hub/api/users/" + user + "/server", token, "{}");
        assertTrue(again.status() == 201 || again.status() == 202, again.status() + " " + again.body());
        assertTrue(ProgressEvents.read(hub.http(), hub.url("/hub/api/users/" + user + "/server/progress"), token, SPAWN_WAIT)
                .last().path("ready").asBoolean());
        Response kept = hub.get("/user/" + user + "/api/contents/kept.txt?type=file&format=text", token);
        assertEquals(200, kept.status(), kept.body());
        assertEquals("written before the restarts", kept.json().get("content").asText());
    }

    @Test
    void hubRestartMarksVanishedServersStoppedAndStopsContainersItDoesNotKnow() throws Exception {
        int port = TestHub.freePort();
        Path data = TestHub.tempDir();
        hub = startHub(data, Map.of("MERIDIAN_PORT", Integer.toString(port)));
        String kept = "ken" + RUN;
        String gone = "vic" + RUN;
        String keptToken = hub.userWithToken(kept);
        String goneToken = hub.userWithToken(gone);
        assertTrue(startAndWait(kept, keptToken, "{}").path("ready").asBoolean());
        assertTrue(startAndWait(gone, goneToken, "{}").path("ready").asBoolean());

        hub.close();
        docker("rm", "-f", "meridian-" + gone);
        hub = startHub(data, Map.of("MERIDIAN_PORT", Integer.toString(port)));
        assertTrue(hub.get("/hub/api/users/" + gone, goneToken).json().path("servers").isEmpty(),
                "a server whose container vanished while the hub was away is stopped");
        assertEquals(200, hub.get("/user/" + kept + "/api/status", keptToken).status(), "the other one is adopted");

        // a hub with another database but the same hub id finds the container unknown and stops it
        hub.close();
        hub = startHub(TestHub.tempDir(), Map.of());
        assertEquals("", docker("ps", "-q", "--filter", "label=meridian.user=" + kept).strip(), "orphan stopped");
        assertTrue(docker("volume", "ls", "-q").contains("meridian-home-" + kept), "its home volume is kept");
    }

    @Test
    void containerKilledFromOutsideIsNoticedWithinThePollInterval() throws Exception {
        hub = startHub(TestHub.tempDir(), Map.of());
        String user = "kim" + RUN;
        String token = hub.userWithToken(user);
        assertTrue(startAndWait(user, token, "{}").path("ready").asBoolean());

        docker("kill", "meridian-" + user);
        Instant killed = Instant.now();
        // poll interval 2 s (TestHub); allow for a loaded machine
        while (!hub.get("/hub/api/users/" + user, token).json().path("servers").isEmpty()) {
            assertTrue(Instant.now().isBefore(killed.plusSeconds(20)), "the hub did not notice the killed container");
            Thread.sleep(250);
        }
        assertEquals(503, hub.get("/user/" + user + "/api/status", token).status());
    }

    @Test
    void profilesAreListedPerGroupAndBadOptionsAreRefusedBeforeAnythingStarts() {
        hub = startHub(TestHub.tempDir(), Map.of());
        String plain = "pat" + RUN;
        String plainToken = hub.userWithToken(plain);
        String gpuUser = "gil" + RUN;
        String gpuToken = hub.userWithToken(gpuUser);
        Response group = hub.admin("POST", "/hub/api/groups/gpu-users", Json.write(Map.of("users", List.of(gpuUser))));
        assertEquals(201, group.status(), group.body());

        JsonNode plainProfiles = hub.get("/api/v1/profiles", plainToken).json();
        assertEquals("docker", plainProfiles.get("spawner").asText());
        assertEquals(List.of("small"), names(plainProfiles.get("profiles")));
        assertTrue(plainProfiles.at("/profiles/0/isDefault").asBoolean());
        assertEquals(1L << 30, plainProfiles.at("/profiles/0/memoryBytes").asLong());
        assertEquals(List.of("small", "gpu"), names(hub.get("/api/v1/profiles", gpuToken).json().get("profiles")));

        Response unknown = hub.post("/hub/api/users/" + plain + "/server", plainToken, "{\"profile\": \"huge\"}");
        assertEquals(400, unknown.status(), unknown.body());
        assertEquals("Unknown profile 'huge'; available profiles: small, gpu.", unknown.json().get("message").asText());
        Response reserved = hub.post("/hub/api/users/" + plain + "/server", plainToken, "{\"profile\": \"gpu\"}");
        assertEquals(400, reserved.status(), reserved.body());
        assertTrue(reserved.json().get("message").asText().contains("reserved for the groups [gpu-users]"), reserved.body());
        Response forged = hub.post("/hub/api/users/" + plain + "/server", plainToken,
                "{\"profile\": \"gpu\", \"_groups\": [\"gpu-users\"]}");
        assertEquals(400, forged.status(), forged.body());
        assertEquals("Server option '_groups' is set by the hub, not by users.", forged.json().get("message").asText());
        Response image = hub.post("/hub/api/users/" + plain + "/servers/other", plainToken, "{\"image\": \"alpine:3\"}");
        assertEquals(400, image.status(), image.body());
        assertTrue(image.json().get("message").asText().contains("not allowed on this hub"), image.body());

        assertTrue(hub.get("/hub/api/users/" + plain, plainToken).json().path("servers").isEmpty(), "nothing was created");
        assertEquals("", docker("ps", "-aq", "--filter", "label=meridian.user=" + plain).strip());
    }

    @Test
    void gpuProfileWithoutNvidiaRuntimeFailsClearlyAndReleasesTheGpu() {
        hub = startHub(TestHub.tempDir(), Map.of());
        String user = "gus" + RUN;
        String token = hub.userWithToken(user);
        assertEquals(201, hub.admin("POST", "/hub/api/groups/gpu-users", Json.write(Map.of("users", List.of(user)))).status());

        Response start = hub.post("/hub/api/users/" + user + "/server", token, "{\"profile\": \"gpu\"}");
        assertTrue(start.status() == 202 || start.status() == 500, start.status() + " " + start.body());
        JsonNode last = ProgressEvents.read(hub.http(), hub.url("/hub/api/users/" + user + "/server/progress"), token,
                SPAWN_WAIT).last();
        assertTrue(last.path("failed").asBoolean(), last.toString());
        assertTrue(last.get("message").asText().contains("no NVIDIA container runtime"), last.toString());

        assertEquals(403, hub.get("/api/v1/admin/gpus", token).status(), "GPU holders are for admins only");
        JsonNode gpus = hub.admin("GET", "/api/v1/admin/gpus", null).json().get("gpus");
        assertEquals(1, gpus.size(), gpus.toString());
        assertEquals("GPU-hubtest-0", gpus.at("/0/id").asText());
        assertTrue(gpus.at("/0/free").asBoolean(), "released after the failed start: " + gpus);
        assertTrue(gpus.at("/0/holders").isEmpty(), gpus.toString());
        assertEquals("", docker("ps", "-aq", "--filter", "label=meridian.user=" + user).strip(), "nothing left behind");
    }

    @Test
    void unreachableDockerLeavesTheHubServingDegradedAndSpawnsFailClearly() {
        int closed = TestHub.freePort();
        hub = startHub(TestHub.tempDir(), Map.of("MERIDIAN_DOCKER_HOST", "tcp://127.0.0.1:" + closed));
        Response health = hub.get("/hub/health", null);
        assertEquals(200, health.status(), health.body());
        assertEquals("degraded", health.json().get("status").asText(), health.body());
        assertEquals("degraded", health.json().at("/components/spawner/status").asText(), health.body());
        assertEquals("docker", health.json().at("/components/spawner/kind").asText());

        String user = "dan" + RUN;
        String token = hub.userWithToken(user);
        Response start = hub.post("/hub/api/users/" + user + "/server", token, "{}");
        String message = start.status() == 500 ? start.json().get("message").asText()
                : ProgressEvents.read(hub.http(), hub.url("/hub/api/users/" + user + "/server/progress"), token, SPAWN_WAIT)
                .last().get("message").asText();
        assertTrue(message.contains("Docker daemon not reachable at tcp://127.0.0.1:" + closed), message);
    }

    @Test
    void healthShowsDockerUpWhenTheEngineAnswers() {
        hub = startHub(TestHub.tempDir(), Map.of());
        JsonNode health = hub.get("/hub/health", null).json();
        assertEquals("ok", health.get("status").asText(), health.toString());
        assertEquals("ok", health.at("/components/spawner/status").asText());
        assertTrue(health.at("/components/spawner/detail").asText().startsWith("Docker "), health.toString());
    }

    @Test
    void tenUsersStartedConcurrentlyAllBecomeReady() throws Exception {
        hub = startHub(TestHub.tempDir(), Map.of());
        List<String> users = IntStream.range(0, 10).mapToObj(i -> "u" + i + RUN).toList();
        Map<String, String> tokens = users.stream().collect(Collectors.toMap(u -> u, hub::userWithToken));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> spawns = new ArrayList<>();
            for (String user : users) {
                spawns.add(pool.submit(() -> startAndWait(user, tokens.get(user), "{\"profile\": \"small\"}")));
            }
            for (int i = 0; i < spawns.size(); i++) {
                JsonNode last = spawns.get(i).get();
                assertTrue(last.path("ready").asBoolean(), users.get(i) + ": " + last);
            }
        }
        for (String user : users) {
            assertEquals(200, hub.get("/user/" + user + "/api/status", tokens.get(user)).status(), user);
        }
    }

    // ---- helpers

    private static TestHub startHub(Path data, Map<String, String> env) {
        // all interfaces: kernels in containers call the hub back through the bridge network's gateway
        return TestHub.start(data, env, 20, 300, 0, """
                host: 0.0.0.0
                spawner: docker
                docker:
                  network: %s
                  hub_id: %s
                  pre_pull: false
                  gpus:
                    ids: [GPU-hubtest-0]
                    quota_per_user: 1
                  profiles:
                    - name: small
                      display_name: Small (1 core, 1 GiB)
                      image: %s
                      cpus: 1
                      memory: 1G
                    - name: gpu
                      display_name: One GPU
                      image: %s
                      cpus: 1
                      memory: 1G
                      gpus: 1
                      groups: [gpu-users]
                """.formatted(NETWORK, HUB_ID, IMAGE, IMAGE));
    }

    private JsonNode startAndWait(String user, String token, String body) {
        Response start = hub.post("/hub/api/users/" + user + "/server", token, body);
        assertTrue(start.status() == 201 || start.status() == 202, user + ": " + start.status() + " " + start.body());
        return ProgressEvents.read(hub.http(), hub.url("/hub/api/users/" + user + "/server/progress"), token, SPAWN_WAIT).last();
    }

    private void stopAndWait(String user, String token) throws InterruptedException {
        Response stop = hub.call("DELETE", "/hub/api/users/" + user + "/server", token, null);
        assertTrue(stop.status() == 204 || stop.status() == 202, stop.status() + " " + stop.body());
        Instant deadline = Instant.now().plusSeconds(120);
        while (!hub.get("/hub/api/users/" + user, token).json().path("servers").isEmpty()) {
            assertTrue(Instant.now().isBefore(deadline), "server of " + user + " did not stop");
            Thread.sleep(250);
        }
    }

    private String startJavaKernel(String user, String token) {
        Response session = hub.post("/user/" + user + "/api/sessions", token, Json.write(Map.of(
                "path", "t.ipynb", "name", "t.ipynb", "type", "notebook", "kernel", Map.of("name", "meridian-java"))));
        assertEquals(201, session.status(), session.body());
        return session.json().at("/kernel/id").asText();
    }

    private KernelMessages kernel(String user, String token, String kernelId) {
        URI channels = URI.create(hub.url("/user/" + user + "/api/kernels/" + kernelId + "/channels").replace("http://", "ws://"));
        return KernelMessages.connect(hub.http(), channels, Map.of("Authorization", "token " + token));
    }

    private static List<String> names(JsonNode profiles) {
        List<String> names = new ArrayList<>();
        profiles.forEach(p -> names.add(p.get("name").asText()));
        return names;
    }

    /** Runs the docker CLI and returns its output (stdout and stderr). */
}
