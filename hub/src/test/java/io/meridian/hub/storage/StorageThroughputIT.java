package io.meridian.hub.storage;

import io.meridian.nextcloud.PatternStream;
import io.meridian.nextcloud.TestWebDav;
import io.meridian.nextcloud.WebDavClient;
import io.meridian.nextcloud.WebDavConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1 GiB through the storage service running in its own JVM with -Xmx128m (so it cannot buffer a file),
 * checked end to end with SHA-256, and the same transfer straight to the WebDAV server for comparison. Both
 * downloads are read the same way (a blocking {@link HttpURLConnection}, as {@link WebDavClient#read} does),
 * so the difference is the hub's.
 * The throughput table goes to target/storage-benchmark.md (and docs/performance.md, section "Storage").
 */
class StorageThroughputIT {
    private static final long SIZE = 1024L * 1024 * 1024;
    private static Process hubProcess;
    private static int port;
    private static String token;
    private static WebDavConfig dav;
    private static final List<String> rows = new ArrayList<>();

    @BeforeAll
    static void startBoundedHub() throws Exception {
        URI folder = TestWebDav.freshFolder().root();
        dav = WebDavConfig.webDav(folder, TestWebDav.USER, TestWebDav.PASSWORD);
        Path data = Files.createTempDirectory("meridian-throughput");
        String java = ProcessHandle.current().info().command().orElse("java");
        // Surefire/failsafe start tests through a manifest-only jar; the real class path is in this property.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        hubProcess = new ProcessBuilder(java, "-Xmx128m", "-cp", classPath,
                BoundedHeapHub.class.getName(), data.toString(), folder.toString(), TestWebDav.USER,
                TestWebDav.PASSWORD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(hubProcess.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
            // Helidon's start-up lines
        }
        assertTrue(line != null, "the bounded-heap hub did not start");
        String[] parts = line.split(" ");
        port = Integer.parseInt(parts[1]);
        token = parts[2];
        assertTrue(Long.parseLong(parts[3]) <= 160L * 1024 * 1024, "the hub JVM runs with a 128 MiB heap");
    }

    @AfterAll
    static void stopAndRecord() throws Exception {
        TestWebDav.remove(dav);
        if (hubProcess != null) {
            hubProcess.getOutputStream().close();
            hubProcess.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            hubProcess.destroy();
        }
        StringBuilder md = new StringBuilder("| path | direction | size | seconds | MiB/s | hub CPU s |\n|---|---|---|---|---|---|\n");
        rows.forEach(r -> md.append(r).append('\n'));
        Path target = Path.of("target", "storage-benchmark.md");
        Files.createDirectories(target.getParent());
        Files.writeString(target, md.toString());
        System.out.println(md);
    }

    @Test
    void aGibibyteStreamsThroughTheHubIntactAndItsSpeedIsComparedWithDirectWebDav() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        long start = System.nanoTime();
        Duration hubCpu = hubCpu();
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/storage/files?path=/via-hub.bin"))
                .header("Authorization", "token " + token)
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new DigestInputStream(new PatternStream(SIZE, 11), sent)), SIZE))
                .build(), HttpResponse.BodyHandlers.ofString());
        record("hub -> WebDAV", "upload", start, hubCpu);
        assertEquals(201, put.statusCode(), put.body());

        start = System.nanoTime();
        hubCpu = hubCpu();
        HttpURLConnection get = (HttpURLConnection) URI.create("http://127.0.0.1:" + port
                + "/api/v1/storage/files?path=/via-hub.bin").toURL().openConnection();
        get.setRequestProperty("Authorization", "token " + token);
        assertEquals(200, get.getResponseCode());
        assertEquals(SIZE, get.getContentLengthLong());
        String received = sha256(get.getInputStream());
        record("hub -> WebDAV", "download", start, hubCpu);
        assertEquals(HexFormat.of().formatHex(sent.digest()), received);

        WebDavClient direct = new WebDavClient(dav);
        MessageDigest directSent = MessageDigest.getInstance("SHA-256");
        start = System.nanoTime();
        direct.write("/direct.bin", new DigestInputStream(new PatternStream(SIZE, 12), directSent), SIZE);
        record("direct WebDAV", "upload", start, null);
        start = System.nanoTime();
        String directReceived = sha256(direct.read("/direct.bin"));
        record("direct WebDAV", "download", start, null);
        assertEquals(HexFormat.of().formatHex(directSent.digest()), directReceived);
        assertTrue(hubProcess.isAlive(), "the 128 MiB hub survived 2 GiB of traffic");
    }

    /** CPU time the hub's JVM has used so far: what the hub costs, apart from the load other processes put on the machine. */
    private static Duration hubCpu() {
        return hubProcess.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** @param hubCpuBefore the hub's CPU time at the start, or null when the hub is not in the path */
    private static void record(String path, String direction, long startNanos, Duration hubCpuBefore) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String cpu = hubCpuBefore == null ? "-"
                : String.format(Locale.ROOT, "%.1f", hubCpu().minus(hubCpuBefore).toMillis() / 1000.0);
        rows.add(String.format(Locale.ROOT, "| %s | %s | 1 GiB | %.1f | %.0f | %s |", path, direction, seconds,
                SIZE / 1048576.0 / seconds, cpu));
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream body = in) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = body.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
