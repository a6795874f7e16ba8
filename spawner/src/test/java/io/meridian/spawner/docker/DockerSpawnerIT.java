package io.meridian.spawner.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.HostConfig;
import io.meridian.spawner.ProgressEvent;
import io.meridian.spawner.ServerStatus;
import io.meridian.spawner.SpawnException;
import io.meridian.spawner.SpawnRequest;
import io.meridian.spawner.SpawnedServer;
import io.meridian.spawner.gpu.GpuAssignment;
import io.meridian.spawner.gpu.GpuInventory;
import io.meridian.spawner.gpu.ServerRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The Docker spawner against the real engine and the real notebook image (built by images/build.sh).
 * Containers run on their own network and hub label, so a hub on the same engine is left alone.
 */
class DockerSpawnerIT {

    static final String IMAGE = "meridian/notebook:latest";
    static final String NETWORK = "meridian-it-net";
    static final String HUB = "meridian-it";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path stateDir;
    static DockerClient docker;
    static DockerSpawner spawner;

    @BeforeAll
    static void engineAndImageArePresent() {
        docker = DockerTestSupport.client(DockerSpawnerConfig.DEFAULT_DOCKER_HOST);
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            fail("Docker is not running here; run scripts/setup.sh (scripts/setup.d/20-docker.sh starts it): " + e);
        }
        try {
            docker.inspectImageCmd(IMAGE).exec();
        } catch (NotFoundException e) {
            fail(IMAGE + " is missing; build it with images/build.sh");
        }
        spawner = new DockerSpawner(config());
        DockerTestSupport.removeEverythingOf(docker, HUB, NETWORK);
    }

    @AfterAll
    static void removeContainersVolumesAndNetwork() {
        spawner.close();
        DockerTestSupport.removeEverythingOf(docker, HUB, NETWORK);
    }

    static DockerSpawnerConfig config() {
        return config(NETWORK, HUB);
    }

    static DockerSpawnerConfig config(String network, String hub) {
        List<Profile> profiles = List.of(
                Profile.of("small", IMAGE, 1.0, 1L << 30),
                Profile.of("tiny", IMAGE, 0.25, 512L << 20),
                new Profile("gpu2", "Two GPUs", IMAGE, 1.0, 1L << 30, 2, Set.of(), false));
        return DockerSpawnerConfig.of(profiles)
                .withNetwork(network, hub)
                .withGpus(GpuInventory.of(List.of("GPU-test-0", "GPU-test-1", "GPU-test-2", "GPU-test-3")), 4)
                .withStateDir(stateDir);
    }

    static SpawnRequest request(String user, String server, Map<String, Object> options) {
        String base = "/user/" + user + "/" + (server.isEmpty() ? "" : server + "/");
        return new SpawnRequest(user, server, base, UUID.randomUUID().toString().replace("-", ""),
                Map.of("MERIDIAN_HUB_API_URL", "http://hub.invalid/hub/api"), options, Duration.ofSeconds(90));
    }

    static HttpResponse<String> get(SpawnedServer server, SpawnRequest request, String path, boolean withToken)
            throws Exception {
        HttpRequest.Builder get = HttpRequest.newBuilder(server.url().resolve(request.baseUrl() + path))
                .timeout(Duration.ofSeconds(10));
        if (withToken) {
            get.header("Authorization", "token " + request.serverToken());
        }
        return HTTP.send(get.build(), HttpResponse.BodyHandlers.ofString());
    }

    static boolean containerExists(String name) {
        try {
            docker.inspectContainerCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    @Test
    void spawnedServerAnswersOnlyWithItsTokenWithinTheProfileLimits() throws Exception {
        SpawnRequest request = request("ada", "", Map.of("profile", "tiny"));
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();

        SpawnedServer server = spawner.start(request, events::add);
        try {
            assertEquals(200, get(server, request, "api/status", true).statusCode());
            assertEquals(403, get(server, request, "api/status", false).statusCode());
            assertEquals(200, get(server, request, "lab", true).statusCode(), "JupyterLab's page");

            InspectContainerResponse inspect = docker.inspectContainerCmd("meridian-ada").exec();
            HostConfig host = inspect.getHostConfig();
            assertEquals(250_000_000L, host.getNanoCPUs());
            assertEquals(512L << 20, host.getMemory());
            assertTrue(host.getPortBindings() == null || host.getPortBindings().getBindings().isEmpty(),
                    "no port is published on the host");
            assertEquals(Map.of("meridian.user", "ada", "meridian.server", "", "meridian.hub", HUB),
                    subMap(inspect.getConfig().getLabels(), "meridian.user", "meridian.server", "meridian.hub"));
            assertTrue(List.of(inspect.getConfig().getEnv()).contains("NVIDIA_VISIBLE_DEVICES=void"));
            assertEquals("1000", exec("meridian-ada", "id", "-u").strip());
            List<Object> phases = events.stream().map(e -> e.details().get("phase")).distinct().toList();
            assertTrue(phases.containsAll(List.of("prepare", "create", "start")), phases.toString());
        } finally {
            spawner.stop(server.state(), true);
        }
        assertFalse(containerExists("meridian-ada"), "stop removes the container");
    }

    @Test
    void fileInHomeSurvivesStopAndRestartUntilDataIsRemoved() throws Exception {
        SpawnRequest first = request("bea", "work", Map.of());
        SpawnedServer server = spawner.start(first, e -> { });
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(
                        server.url().resolve(first.baseUrl() + "api/contents/notes.txt"))
                .header("Authorization", "token " + first.serverToken())
                .PUT(HttpRequest.BodyPublishers.ofString("{\"type\":\"file\",\"format\":\"text\",\"content\":\"kept\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
        spawner.stop(server.state(), false);

        SpawnRequest second = request("bea", "work", Map.of());
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        SpawnedServer again = spawner.start(second, events::add);
        try {
            HttpResponse<String> file = get(again, second, "api/contents/notes.txt", true);
            assertEquals(200, file.statusCode(), file.body());
            assertEquals("kept", JSON.readTree(file.body()).get("content").asText());
            assertTrue(events.get(0).details().containsKey("expectedSeconds"),
                    "the second spawn knows how long the first took: " + events.get(0));
            assertTrue(Files.exists(stateDir.resolve(SpawnTimes.FILE)));
        } finally {
            spawner.stop(again.state(), true);
        }
        assertThrows(NotFoundException.class, () -> docker.inspectVolumeCmd("meridian-home-bea").exec(),
                "removeData deletes the home volume");
    }

    @Test
    void containerKilledFromOutsideIsReportedStoppedAndCanStartAgain() throws Exception {
        SpawnRequest request = request("cy", "", Map.of());
        SpawnedServer server = spawner.start(request, e -> { });
        assertTrue(spawner.poll(server.state()).running());

        docker.killContainerCmd(server.state().get(DockerSpawner.CONTAINER_ID)).exec();

        ServerStatus status = spawner.poll(server.state());
        assertFalse(status.running());
        assertTrue(status.detail().contains("exit code 137"), status.detail());
        SpawnedServer restarted = spawner.start(request("cy", "", Map.of()), e -> { });
        spawner.stop(restarted.state(), true);
        assertFalse(spawner.poll(restarted.state()).running());
    }

    @Test
    void tenUsersStartAtOnceAndAllBecomeReady() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Future<SpawnedServer>> starts = new ArrayList<>();
        long began = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            SpawnRequest request = request("crowd" + i, "", Map.of("profile", "tiny"));
            starts.add(pool.submit(() -> spawner.start(request, e -> { })));
        }
        List<SpawnedServer> servers = new ArrayList<>();
        try {
            for (Future<SpawnedServer> start : starts) {
                servers.add(start.get(120, TimeUnit.SECONDS));
            }
            System.out.printf("10 concurrent Docker spawns ready in %.1f s%n", (System.nanoTime() - began) / 1e9);
            assertEquals(10, servers.stream().map(SpawnedServer::url).distinct().count());
            for (SpawnedServer server : servers) {
                assertTrue(spawner.poll(server.state()).running());
            }
        } finally {
            for (SpawnedServer server : servers) {
                pool.submit(() -> {
                    spawner.stop(server.state(), true);
                    return null;
                });
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS));
        }
    }

    @Test
    void unknownProfileAndDisallowedImageAreRefusedAndCreateNothing() {
        SpawnException profile = assertThrows(SpawnException.class,
                () -> spawner.start(request("mallory", "", Map.of("profile", "root-everything")), e -> { }));
        assertEquals("Unknown profile 'root-everything'; available profiles: small, tiny, gpu2.", profile.getMessage());
        SpawnException image = assertThrows(SpawnException.class,
                () -> spawner.start(request("mallory", "", Map.of("image", "meridian/base:trixie")), e -> { }));
        assertTrue(image.getMessage().startsWith("Image 'meridian/base:trixie' is not allowed"), image.getMessage());
        assertFalse(containerExists("meridian-mallory"));
    }

    @Test
    void gpuServerGetsDistinctDevicesAClearErrorWithoutTheNvidiaRuntimeAndGpusComeBack() throws Exception {
        // a server started with two GPUs before a hub restart, as its labels record them
        String earlier = DockerTestSupport.runLabelled(docker, IMAGE, NETWORK, "meridian-gpuold",
                Map.of("meridian.hub", HUB, "meridian.user", "gpuold", "meridian.server", "",
                        "meridian.gpus", "GPU-test-0,GPU-test-1", "meridian.gpu-sharing", "false"));
        Map<String, String> earlierState = Map.of(DockerSpawner.CONTAINER_ID, earlier,
                DockerSpawner.USER, "gpuold", DockerSpawner.SERVER, "");
        Reconciliation reconciled = spawner.reconcile(List.of(earlierState), false);
        assertEquals(List.of(earlierState), reconciled.adopted());
        assertEquals(List.of("GPU-test-0", "GPU-test-1"), holdersOf(new ServerRef("gpuold", "")));

        List<DeviceRequest> requested = new CopyOnWriteArrayList<>();
        List<String> env = new CopyOnWriteArrayList<>();
        SpawnException noRuntime = assertThrows(SpawnException.class,
                () -> spawner.start(request("gpunew", "", Map.of("profile", "gpu2")), event -> {
                    if ("start".equals(event.details().get("phase"))) {
                        // created, not yet started: what Docker was asked for
                        InspectContainerResponse created = docker.inspectContainerCmd("meridian-gpunew").exec();
                        requested.addAll(created.getHostConfig().getDeviceRequests());
                        env.addAll(List.of(created.getConfig().getEnv()));
                    }
                }));

        assertTrue(noRuntime.getMessage().startsWith("This host has no NVIDIA container runtime: "), noRuntime.getMessage());
        assertEquals(1, requested.size());
        assertEquals("nvidia", requested.get(0).getDriver());
        assertEquals(List.of("GPU-test-2", "GPU-test-3"), requested.get(0).getDeviceIds());
        assertEquals(List.of(List.of("gpu")), requested.get(0).getCapabilities());
        assertTrue(env.contains("NVIDIA_VISIBLE_DEVICES=GPU-test-2,GPU-test-3"), env.toString());
        assertFalse(containerExists("meridian-gpunew"), "a failed start leaves no container");
        assertEquals(List.of(), holdersOf(new ServerRef("gpunew", "")), "a failed start releases its GPUs");

        docker.killContainerCmd(earlier).exec();
        assertFalse(spawner.poll(earlierState).running());
        assertTrue(spawner.gpuSnapshot().stream().allMatch(GpuAssignment::free), "a crashed server's GPUs are free");
        spawner.stop(earlierState, false);

        String another = DockerTestSupport.runLabelled(docker, IMAGE, NETWORK, "meridian-gpuother--x",
                Map.of("meridian.hub", HUB, "meridian.user", "gpuother", "meridian.server", "x",
                        "meridian.gpus", "GPU-test-3", "meridian.gpu-sharing", "false"));
        Map<String, String> anotherState = Map.of(DockerSpawner.CONTAINER_ID, another,
                DockerSpawner.USER, "gpuother", DockerSpawner.SERVER, "x");
        spawner.reconcile(List.of(anotherState), false);
        assertEquals(List.of("GPU-test-3"), holdersOf(new ServerRef("gpuother", "x")));
        spawner.stop(anotherState, false);
        assertTrue(spawner.gpuSnapshot().stream().allMatch(GpuAssignment::free), "a stopped server's GPUs are free");
    }

    @Test
    void reconcileAdoptsKnownServersReportsVanishedOnesAndStopsUnknownOnes() throws Exception {
        SpawnedServer known = spawner.start(request("rec1", "", Map.of()), e -> { });
        SpawnedServer unknown = spawner.start(request("rec2", "", Map.of()), e -> { });
        SpawnedServer vanished = spawner.start(request("rec3", "", Map.of()), e -> { });
        docker.removeContainerCmd(vanished.state().get(DockerSpawner.CONTAINER_ID)).withForce(true).exec();
        try {
            Reconciliation result = spawner.reconcile(List.of(known.state(), vanished.state()), true);

            assertEquals(List.of(known.state()), result.adopted());
            assertEquals(List.of(vanished.state()), result.vanished());
            assertEquals(1, result.orphans().size());
            assertEquals("rec2", result.orphans().get(0).user());
            assertTrue(result.orphans().get(0).stopped());
            assertFalse(containerExists("meridian-rec2"));
            docker.inspectVolumeCmd("meridian-home-rec2").exec();
            assertTrue(spawner.poll(known.state()).running());
        } finally {
            spawner.stop(known.state(), true);
            spawner.stop(unknown.state(), true);
            spawner.stop(vanished.state(), true);
        }
    }

    @Test
    void unreachableDaemonGivesAClearMessageAndDegradedHealth() {
        try (DockerSpawner nowhere = new DockerSpawner(config().withDockerHost("unix:///nonexistent/docker.sock"))) {
            SpawnException e = assertThrows(SpawnException.class,
                    () -> nowhere.start(request("ada", "", Map.of()), event -> { }));
            assertTrue(e.getMessage().startsWith("Docker daemon not reachable at unix:///nonexistent/docker.sock: "),
                    e.getMessage());
            assertFalse(nowhere.health().healthy());
            assertTrue(nowhere.poll(Map.of(DockerSpawner.CONTAINER_ID, "abc")).running(),
                    "an unreachable engine does not declare servers dead");
        }
        assertTrue(spawner.health().healthy(), spawner.health().detail());
    }

    @Test
    void javaKernelRunsACellInsideTheContainer() throws Exception {
        String kernelLabel = docker.inspectImageCmd(IMAGE).exec().getConfig().getLabels().get("meridian.kernel");
        assumeFalse("none".equals(kernelLabel), "image built with --without-kernel: no Java kernel to test");
        SpawnRequest request = request("kim", "", Map.of());
        SpawnedServer server = spawner.start(request, e -> { });
        try {
            JsonNode specs = JSON.readTree(get(server, request, "api/kernelspecs", true).body());
            String kernel = specs.get("default").asText();
            assertTrue(specs.get("kernelspecs").has(kernel), specs.toString());
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(
                            server.url().resolve(request.baseUrl() + "api/kernels"))
                    .header("Authorization", "token " + request.serverToken())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + kernel + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            String kernelId = JSON.readTree(created.body()).get("id").asText();

            URI channels = URI.create("ws://" + server.url().getAuthority() + request.baseUrl()
                    + "api/kernels/" + kernelId + "/channels");
            try (DockerTestSupport.KernelSocket kernelSocket = new DockerTestSupport.KernelSocket(HTTP, channels,
                    request.serverToken())) {
                JsonNode info = kernelSocket.await(kernelSocket.send("kernel_info_request", JSON.createObjectNode()),
                        "kernel_info_reply");
                assertEquals("ok", info.at("/content/status").asText(), info.toString());
                assertEquals("java", info.at("/content/language_info/name").asText().toLowerCase(), info.toString());

                String execution = kernelSocket.send("execute_request", JSON.createObjectNode()
                        .put("code", "System.out.println(6 * 7 + \" from \" + System.getProperty(\"user.name\"));")
                        .put("silent", false).put("store_history", true));
                JsonNode stream = kernelSocket.await(execution, "stream");
                assertEquals("42 from jovyan", stream.at("/content/text").asText().strip(), stream.toString());
                assertEquals("ok", kernelSocket.await(execution, "execute_reply").at("/content/status").asText());
            }
        } finally {
            spawner.stop(server.state(), true);
        }
    }

    private static List<String> holdersOf(ServerRef server) {
        return spawner.gpuSnapshot().stream().filter(a -> a.holders().contains(server))
                .map(a -> a.device().id()).toList();
    }

    private static Map<String, String> subMap(Map<String, String> map, String... keys) {
        Map<String, String> out = new HashMap<>();
        for (String key : keys) {
            out.put(key, map.get(key));
        }
        return out;
    }

    private static String exec(String container, String... command) throws Exception {
        return DockerTestSupport.exec(docker, container, command);
    }
}
