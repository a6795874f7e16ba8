package io.meridian.kernel.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A real {@code /usr/bin/jupyter server} on a free localhost port, with a random token and its own root dir. */
final class JupyterServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final URI base;
    private final String token = UUID.randomUUID().toString();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private JupyterServer(InstalledKernel kernel, Path scratch) throws IOException, InterruptedException {
        int port = freePort();
        Path root = Files.createDirectories(scratch.resolve("root"));
        log = scratch.resolve("jupyter-server.log");
        ProcessBuilder builder = new ProcessBuilder(List.of("/usr/bin/jupyter", "server", "--no-browser", "--allow-root",
                "--ServerApp.ip=127.0.0.1", "--ServerApp.port=" + port, "--ServerApp.port_retries=0",
                "--ServerApp.token=" + token, "--ServerApp.root_dir=" + root))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        kernel.isolate(builder.environment(), scratch);
        // Kernels inherit this: %maven downloads into a fresh local repository, not the user's ~/.m2.
        builder.environment().put("MERIDIAN_MAVEN_LOCAL", scratch.resolve("m2").toString());
        builder.environment().remove("MERIDIAN_MAVEN_REPOS");
        base = URI.create("http://127.0.0.1:" + port + "/");
        process = builder.start();
        awaitReady();
    }

    static JupyterServer start(InstalledKernel kernel, Path scratch) throws IOException, InterruptedException {
        return new JupyterServer(kernel, scratch);
    }

    URI base() {
        return base;
    }

    String token() {
        return token;
    }

    HttpResponse<String> post(String path, String jsonBody) throws IOException, InterruptedException {
        HttpRequest request = request(path).POST(HttpRequest.BodyPublishers.ofString(jsonBody))
                .header("Content-Type", "application/json").build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Creates a notebook session with a new meridian-java kernel and returns its kernel id. */
    String startKernelSession(String notebookPath) throws IOException, InterruptedException {
        String body = JSON.createObjectNode()
                .put("path", notebookPath).put("name", notebookPath).put("type", "notebook")
                .set("kernel", JSON.createObjectNode().put("name", InstalledKernel.KERNEL_NAME)).toString();
        HttpResponse<String> response = post("api/sessions", body);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST /api/sessions answered " + response.statusCode() + ": "
                    + response.body() + "\n" + logTail());
        }
        JsonNode session = JSON.readTree(response.body());
        return session.path("kernel").path("id").asText();
    }

    KernelSocket connect(String kernelId) throws IOException, InterruptedException {
        URI uri = URI.create("ws://" + base.getAuthority() + "/api/kernels/" + kernelId + "/channels?session_id="
                + UUID.randomUUID());
        return KernelSocket.open(http, uri, token);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "token " + token);
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("jupyter server exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if (get("api/status").statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling until the deadline
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException("jupyter server not ready within " + STARTUP + ":\n" + logTail());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        // SIGTERM lets the server shut its kernels down; a kernel left behind would outlive the test.
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
