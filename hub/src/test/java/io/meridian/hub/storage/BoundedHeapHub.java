package io.meridian.hub.storage;

import io.meridian.hub.quotas.Quota;
import io.meridian.hub.servers.SecretBox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The storage service in a JVM of its own with a small heap, for {@link StorageThroughputIT} and
 * {@link NotebookTransferBenchmark}: {@code BoundedHeapHub DATA_DIR WEBDAV_FOLDER_URL LOGIN PASSWORD}. Prints
 * "READY port token max-heap" and serves until its stdin closes.
 */
public final class BoundedHeapHub {
    private BoundedHeapHub() {
    }

    /** A started hub process: alice's files are the WebDAV folder; close ends the process. */
    public record Running(Process process, int port, String token, long maxHeap) implements AutoCloseable {
        @Override
        public void close() throws IOException, InterruptedException {
            process.getOutputStream().close();
            process.waitFor(20, TimeUnit.SECONDS);
            process.destroy();
        }
    }

    /** Starts the hub in a -Xmx128m JVM on this JVM's class path, with alice's storage in {@code folder}. */
    public static Running launch(URI folder, String login, String password) throws IOException {
        Path data = Files.createTempDirectory("meridian-bounded-hub");
        String java = ProcessHandle.current().info().command().orElse("java");
        // Surefire/failsafe start tests through a manifest-only jar; the real class path is in this property.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(java, "-Xmx128m", "-cp", classPath, BoundedHeapHub.class.getName(),
                data.toString(), folder.toString(), login, password)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
            // Helidon's start-up lines
        }
        if (line == null) {
            process.destroy();
            throw new IOException("the bounded-heap hub did not start");
        }
        String[] parts = line.split(" ");
        return new Running(process, Integer.parseInt(parts[1]), parts[2], Long.parseLong(parts[3]));
    }

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args[0]);
        UserStorage storage = new UserStorage(data.resolve("storage"), data.resolve("connections"),
                SecretBox.fromKeyFile(data.resolve("hub-secret.key")));
        storage.connect("alice", "webdav", URI.create(args[1]).toString(), args[2], args[3]);
        try (TestPlatformServer hub = TestPlatformServer.start(data, auth -> List.of(new StorageService(auth::api, storage, new NextcloudLogins(storage, Duration.ofMillis(100), Duration.ofMinutes(1)), user -> Quota.UNLIMITED)))) {
            String token = hub.tokenFor("alice", false, List.of("self"));
            System.out.println("READY " + hub.port() + " " + token + " " + Runtime.getRuntime().maxMemory());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the test closes our stdin
            }
        }
    }
}
