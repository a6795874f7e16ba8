package io.meridian.hub.culler;

import io.meridian.hub.proxy.KernelMessages;
import io.meridian.hub.proxy.RunningJupyter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The culler against real Jupyter servers: one idle, one computing, one the hub saw traffic for. */
class IdleCullerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration TIMEOUT = Duration.ofSeconds(4);

    private static RunningJupyter idle;
    private static RunningJupyter computing;
    private static RunningJupyter visited;
    private static KernelMessages sleeper;

    @BeforeAll
    static void startServers() throws Exception {
        Path root = RunningJupyter.tempRoot();
        idle = RunningJupyter.start(root, "ida", "");
        computing = RunningJupyter.start(root, "carl", "train");
        visited = RunningJupyter.start(root, "vic", "");
        sleeper = busyKernel(computing);
    }

    /**
     * A kernel the server itself reports busy. Jupyter Server learns a kernel's state from its own IOPub
     * subscription, which now and then misses the kernel's messages for good (the kernel then stays
     * "starting" in /api/kernels however busy it is); such a kernel is replaced, up to three times.
     */
    private static KernelMessages busyKernel(RunningJupyter server) throws Exception {
        for (int attempt = 1; ; attempt++) {
            String kernel = server.startKernel();
            KernelMessages messages = KernelMessages.connect(HTTP, URI.create("ws://127.0.0.1:"
                    + server.upstream().getPort() + server.baseUrl() + "api/kernels/" + kernel + "/channels"),
                    Map.of("Authorization", "token " + server.token()));
            // a request sent while the kernel is still starting can be lost: first see it answer
            messages.execute("1+1", Duration.ofSeconds(60));
            messages.send("execute_request", Map.of("code", "import time; time.sleep(120)", "silent", false,
                    "store_history", false, "user_expressions", Map.of(), "allow_stdin", false));
            Instant deadline = Instant.now().plusSeconds(15);
            while (Instant.now().isBefore(deadline)) {
                String kernels = kernelsOf(server);
                if (kernels.contains("\"execution_state\": \"busy\"") || kernels.contains("\"execution_state\":\"busy\"")) {
                    return messages;
                }
                Thread.sleep(100);
            }
            messages.close();
            HTTP.send(HttpRequest.newBuilder(URI.create(server.upstream() + server.baseUrl() + "api/kernels/" + kernel))
                    .header("Authorization", "token " + server.token()).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            assertTrue(attempt < 3, "the server never saw its kernel busy: " + kernelsOf(server));
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        sleeper.close();
        for (RunningJupyter server : List.of(idle, computing, visited)) {
            server.close();
        }
    }

    @Test
    void idleServerIsStoppedWhileBusyAndVisitedOnesAreKept() throws Exception {
        RecordingTargets targets = new RecordingTargets();

        try (IdleCuller culler = new IdleCuller(targets, TIMEOUT, Duration.ofMillis(500))) {
            culler.start();
            Instant deadline = Instant.now().plusSeconds(30);
            while (!targets.stopped.containsKey("ida/") && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
        }

        assertEquals(Set.of("ida/"), Set.copyOf(targets.stopped.keySet()),
                "only the idle server is culled; the busy kernel and the hub's traffic keep the others");
    }

    @Test
    void verdictsSayWhy() {
        RecordingTargets targets = new RecordingTargets();
        try (IdleCuller culler = new IdleCuller(targets, Duration.ofHours(1), Duration.ofMinutes(1))) {
            List<IdleCuller.Verdict> verdicts = culler.cullOnce();

            assertEquals(3, verdicts.size());
            assertTrue(verdicts.stream().noneMatch(IdleCuller.Verdict::idle), verdicts.toString());
            assertTrue(verdicts.stream().anyMatch(v -> v.server().equals("train") && v.reason().equals("1 kernel(s) busy")),
                    verdicts.toString());
            assertTrue(targets.stopped.isEmpty());
        }
    }

    @Test
    void serverThatDoesNotAnswerIsJudgedOnTheHubsActivity() {
        URI nowhere = URI.create("http://127.0.0.1:1");
        CullTargets.RunningServer stale = new CullTargets.RunningServer("gone", "", "/user/gone/", nowhere, "t",
                Instant.now().minusSeconds(3600));
        CullTargets.RunningServer fresh = new CullTargets.RunningServer("new", "", "/user/new/", nowhere, "t",
                Instant.now());
        try (IdleCuller culler = new IdleCuller(new RecordingTargets(), Duration.ofMinutes(10), Duration.ofMinutes(1))) {
            assertTrue(culler.judge(stale).idle());
            assertFalse(culler.judge(fresh).idle());
        }
    }

    @Test
    void nonsenseSettingsAreRefused() {
        RecordingTargets targets = new RecordingTargets();
        assertThrows(IllegalArgumentException.class, () -> new IdleCuller(targets, Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new IdleCuller(targets, Duration.ofSeconds(1), Duration.ofSeconds(-1)));
    }

    /** The hub's side as the culler sees it; vic's server has proxy traffic right now. */
    private static final class RecordingTargets implements CullTargets {
        final Map<String, Instant> stopped = new ConcurrentHashMap<>();

        @Override
        public List<RunningServer> running() {
            return List.of(
                    server(idle, "ida", "", null),
                    server(computing, "carl", "train", Instant.now().minusSeconds(3600)),
                    server(visited, "vic", "", Instant.now())).stream()
                    .filter(s -> !stopped.containsKey(s.user() + "/" + s.server()))
                    .toList();
        }

        @Override
        public void stopIdle(String user, String server) {
            stopped.put(user + "/" + server, Instant.now());
        }

        private static RunningServer server(RunningJupyter jupyter, String user, String server, Instant activity) {
            return new RunningServer(user, server, jupyter.baseUrl(), jupyter.upstream(), jupyter.token(), activity);
        }
    }

    private static String kernelsOf(RunningJupyter server) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.upstream() + server.baseUrl() + "api/kernels"))
                .header("Authorization", "token " + server.token()).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
