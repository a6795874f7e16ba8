package io.meridian.hub.proxy;

import io.meridian.spawner.SpawnException;
import io.meridian.spawner.SpawnRequest;
import io.meridian.spawner.SpawnedServer;
import io.meridian.spawner.local.LocalProcessSpawner;
import io.meridian.spawner.local.LocalSpawnerConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A real Jupyter server for a user, started by the local spawner, for tests and the proxy benchmark. */
public final class RunningJupyter implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LocalProcessSpawner spawner;
    private final SpawnedServer spawned;
    private final String baseUrl;
    private final String token;

    private RunningJupyter(LocalProcessSpawner spawner, SpawnedServer spawned, String baseUrl, String token) {
        this.spawner = spawner;
        this.spawned = spawned;
        this.baseUrl = baseUrl;
        this.token = token;
    }

    public static RunningJupyter start(Path root, String user, String server) throws SpawnException {
        LocalProcessSpawner spawner = new LocalProcessSpawner(
                LocalSpawnerConfig.defaults(root.resolve("users"), root.resolve("state")));
        String baseUrl = "/user/" + user + "/" + (server.isEmpty() ? "" : server + "/");
        String token = UUID.randomUUID().toString();
        SpawnedServer spawned = spawner.start(new SpawnRequest(user, server, baseUrl, token, Map.of(), Map.of(),
                Duration.ofSeconds(90)), event -> { });
        return new RunningJupyter(spawner, spawned, baseUrl, token);
    }

    public static Path tempRoot() throws IOException {
        return Files.createTempDirectory("meridian-jupyter");
    }

    public URI upstream() {
        return spawned.url();
    }

    public String token() {
        return token;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The Jupyter server's process id. */
    public long pid() {
        return Long.parseLong(spawned.state().get(LocalProcessSpawner.PID));
    }

    /** Starts a python3 kernel directly on the server; returns its id. */
    public String startKernel() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(upstream() + baseUrl + "api/kernels"))
                .header("Authorization", "token " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"python3\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("kernel start failed: " + response.statusCode() + " " + response.body());
        }
        return KernelMessages.JSON.readTree(response.body()).path("id").asText();
    }

    @Override
    public void close() throws SpawnException {
        spawner.stop(spawned.state(), false);
        spawner.close();
    }
}
