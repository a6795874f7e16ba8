package io.meridian.spawner.local;

import io.meridian.spawner.ProgressEvent;
import io.meridian.spawner.SpawnException;
import io.meridian.spawner.SpawnRequest;
import io.meridian.spawner.SpawnedServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs real {@code jupyter server} processes from Debian's Jupyter. */
class LocalProcessSpawnerTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path root;

    private LocalProcessSpawner spawner;
    private final List<Map<String, String>> started = new ArrayList<>();

    @BeforeEach
    void createSpawner() {
        spawner = new LocalProcessSpawner(config());
    }

    @AfterEach
    void stopEverything() throws SpawnException {
        for (Map<String, String> state : started) {
            spawner.stop(state, false);
        }
        spawner.close();
    }

    @Test
    void startedServerAnswersOnlyWithItsToken() throws Exception {
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        SpawnedServer server = start("alice", "", "secret-token-1", events::add);

        assertEquals(200, get(server, "/user/alice/api/status", "secret-token-1").statusCode());
        int withoutToken = get(server, "/user/alice/api/status", null).statusCode();
        assertTrue(withoutToken == 403 || withoutToken == 401, "no token must be refused, got " + withoutToken);
        assertEquals(403, get(server, "/user/alice/api/status", "wrong-token").statusCode());
        assertTrue(events.stream().anyMatch(e -> e.message().startsWith("Starting Jupyter server process (pid ")),
                "progress: " + events);
        assertEquals("127.0.0.1", server.url().getHost());
    }

    @Test
    void tokenIsNeitherOnTheCommandLineNorInTheEnvironment() throws Exception {
        SpawnedServer server = start("alice", "", "very-secret-token-2", e -> { });
        long pid = Long.parseLong(server.state().get(LocalProcessSpawner.PID));

        String commandLine = Files.readString(Path.of("/proc/" + pid + "/cmdline"));
        String environment = Files.readString(Path.of("/proc/" + pid + "/environ"));
        assertFalse(commandLine.contains("very-secret-token-2"), commandLine);
        assertFalse(environment.contains("very-secret-token-2"));
        assertTrue(environment.contains("MERIDIAN_USER=alice"), "request environment is passed");
        assertFalse(environment.contains("MAVEN") || environment.contains("JAVA_HOME"),
                "the hub's own environment must not leak into servers");
    }

    @Test
    void serverRunsInItsOwnSessionSoItOutlivesTheHub() throws Exception {
        SpawnedServer server = start("alice", "", "t3", e -> { });
        long pid = Long.parseLong(server.state().get(LocalProcessSpawner.PID));

        assertNotEquals(sessionOf(ProcessHandle.current().pid()), sessionOf(pid));
        assertEquals(pid, sessionOf(pid), "the server leads its own session");
    }

    @Test
    void filesSurviveStopAndStart() throws Exception {
        SpawnedServer first = start("bob", "", "t4", e -> { });
        HttpResponse<String> put = send(first, "PUT", "/user/bob/api/contents/notes.txt", "t4",
                "{\"type\":\"file\",\"format\":\"text\",\"content\":\"keep me\"}");
        assertEquals(201, put.statusCode(), put.body());
        spawner.stop(first.state(), false);

        SpawnedServer second = start("bob", "", "t5", e -> { });
        HttpResponse<String> read = get(second, "/user/bob/api/contents/notes.txt", "t5");

        assertEquals(200, read.statusCode());
        assertTrue(read.body().contains("keep me"), read.body());
        assertTrue(Files.exists(root.resolve("users/bob/notes.txt")));
    }

    @Test
    void namedServerSharesTheHomeButNotTheState() throws Exception {
        SpawnedServer named = start("carol", "gpu", "t6", e -> { });

        assertEquals(200, get(named, "/user/carol/gpu/api/status", "t6").statusCode());
        assertTrue(Files.isDirectory(root.resolve("users/carol")));
        assertTrue(Files.exists(root.resolve("state/carol/named-gpu/server.log")));
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("state/carol/named-gpu/config"))));
    }

    @Test
    void kernelspecsOnTheConfiguredJupyterPathAreOffered() throws Exception {
        Path kernels = root.resolve("hubdata/kernels/meridian-test");
        Files.createDirectories(kernels);
        Files.writeString(kernels.resolve("kernel.json"), "{\"argv\": [\"/bin/true\", \"{connection_file}\"], "
                + "\"display_name\": \"Meridian test kernel\", \"language\": \"java\"}");
        spawner = new LocalProcessSpawner(config().withJupyterPath(List.of(root.resolve("hubdata"))));

        SpawnedServer server = start("kim", "", "t14", e -> { });
        HttpResponse<String> specs = get(server, "/user/kim/api/kernelspecs", "t14");

        assertEquals(200, specs.statusCode());
        assertTrue(specs.body().contains("\"meridian-test\""), specs.body());
        assertTrue(specs.body().contains("\"python3\""), specs.body());
    }

    @Test
    void pollNoticesAServerKilledFromOutside() throws Exception {
        SpawnedServer server = start("dave", "", "t7", e -> { });
        assertTrue(spawner.poll(server.state()).running());

        ProcessHandle.of(Long.parseLong(server.state().get(LocalProcessSpawner.PID))).orElseThrow().destroyForcibly();

        assertTrue(waitUntil(() -> !spawner.poll(server.state()).running(), Duration.ofSeconds(10)));
        spawner.stop(server.state(), false);
    }

    @Test
    void stopEndsTheServerAndItsKernels() throws Exception {
        SpawnedServer server = start("erin", "", "t8", e -> { });
        HttpResponse<String> kernel = send(server, "POST", "/user/erin/api/kernels", "t8", "{\"name\":\"python3\"}");
        assertEquals(201, kernel.statusCode(), kernel.body());
        ProcessHandle serverProcess = ProcessHandle.of(Long.parseLong(server.state().get(LocalProcessSpawner.PID)))
                .orElseThrow();
        assertTrue(waitUntil(() -> serverProcess.descendants().findAny().isPresent(), Duration.ofSeconds(20)),
                "kernel process appears");
        List<ProcessHandle> tree = new ArrayList<>(serverProcess.descendants().toList());
        tree.add(serverProcess);

        spawner.stop(server.state(), false);

        for (ProcessHandle process : tree) {
            assertFalse(process.isAlive(), "still alive: " + process.pid() + " " + process.info().commandLine());
        }
        assertFalse(spawner.poll(server.state()).running());
        spawner.stop(server.state(), false);
    }

    @Test
    void aNewSpawnerInstanceReadoptsARunningServer() throws Exception {
        SpawnedServer server = start("frank", "", "t9", e -> { });
        spawner.close();

        LocalProcessSpawner afterRestart = new LocalProcessSpawner(config());
        assertTrue(afterRestart.poll(server.state()).running());
        afterRestart.stop(server.state(), false);

        assertFalse(afterRestart.poll(server.state()).running());
        assertTrue(ProcessHandle.of(Long.parseLong(server.state().get(LocalProcessSpawner.PID)))
                .map(p -> !p.isAlive()).orElse(true));
        spawner = afterRestart;
    }

    @Test
    void startTimeoutFailsAndLeavesNoProcess() throws IOException {
        // A "jupyter" that starts but never answers HTTP: a real server can beat a short timeout on a fast machine.
        Path silent = root.resolve("silent-jupyter");
        Files.writeString(silent, "#!/bin/sh\nexec sleep 120\n");
        silent.toFile().setExecutable(true);
        spawner = new LocalProcessSpawner(config().withJupyterCommand(silent));
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        SpawnRequest request = request("gina", "", "t10", Duration.ofMillis(1500));

        SpawnException failure = assertThrows(SpawnException.class, () -> spawner.start(request, events::add));

        assertTrue(failure.getMessage().contains("did not answer"), failure.getMessage());
        long pid = ((Number) events.getFirst().details().get("pid")).longValue();
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "timed-out server was killed");
    }

    @Test
    void missingJupyterCommandIsAClearError() {
        spawner = new LocalProcessSpawner(config().withJupyterCommand(root.resolve("no/such/jupyter")));

        SpawnException failure = assertThrows(SpawnException.class,
                () -> spawner.start(request("hank", "", "t11", Duration.ofSeconds(5)), e -> { }));

        assertTrue(failure.getMessage().contains("does not exist or is not executable"), failure.getMessage());
    }

    @Test
    void serverThatExitsEarlyReportsItsLastLogLines() throws Exception {
        Path broken = root.resolve("bin/jupyter");
        Files.createDirectories(broken.getParent());
        Files.writeString(broken, "#!/bin/sh\necho 'cannot import jupyter_server: broken install' >&2\nexit 3\n");
        broken.toFile().setExecutable(true);
        spawner = new LocalProcessSpawner(config().withJupyterCommand(broken));

        SpawnException failure = assertThrows(SpawnException.class,
                () -> spawner.start(request("ivan", "", "t12", Duration.ofSeconds(20)), e -> { }));

        assertTrue(failure.getMessage().contains("exited with code 3"), failure.getMessage());
        assertTrue(failure.getMessage().contains("broken install"), failure.getMessage());
    }

    @Test
    void invalidNamesAreRefusedBeforeAnythingIsCreated() {
        SpawnException failure = assertThrows(SpawnException.class,
                () -> spawner.start(request("../evil", "", "t13", Duration.ofSeconds(5)), e -> { }));

        assertTrue(failure.getMessage().contains("invalid user name"), failure.getMessage());
        assertFalse(Files.exists(root.resolve("users")));
    }

    @Test
    void stoppingAGoneServerIsNotAnError() throws SpawnException {
        spawner.stop(Map.of(LocalProcessSpawner.PID, "999999999", LocalProcessSpawner.STARTED_AT, "1"), false);
        spawner.stop(Map.of(), false);
        assertFalse(spawner.poll(Map.of()).running());
    }

    private LocalSpawnerConfig config() {
        return LocalSpawnerConfig.defaults(root.resolve("users"), root.resolve("state"));
    }

    private SpawnedServer start(String user, String server, String token,
                                io.meridian.spawner.ProgressListener listener) throws SpawnException {
        SpawnedServer spawned = spawner.start(request(user, server, token, Duration.ofSeconds(60)), listener);
        started.add(spawned.state());
        return spawned;
    }

    private static SpawnRequest request(String user, String server, String token, Duration timeout) {
        String baseUrl = "/user/" + user + "/" + (server.isEmpty() ? "" : server + "/");
        return new SpawnRequest(user, server, baseUrl, token,
                Map.of("MERIDIAN_USER", user, "MERIDIAN_SERVER_NAME", server), Map.of(), timeout);
    }

    private static HttpResponse<String> get(SpawnedServer server, String path, String token)
            throws IOException, InterruptedException {
        return send(server, "GET", path, token, null);
    }

    private static HttpResponse<String> send(SpawnedServer server, String method, String path, String token,
                                             String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "token " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(afterName[3]);
    }

    private static boolean waitUntil(java.util.function.BooleanSupplier condition, Duration limit)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
