package io.meridian.hub.storage;

import io.meridian.nextcloud.PatternStream;
import io.meridian.nextcloud.TestWebDav;
import io.meridian.nextcloud.WebDavClient;
import io.meridian.nextcloud.WebDavConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
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
 * checked end to end with SHA-256, and the same transfers straight to the WebDAV server for comparison. Both
 * paths are driven the same way (a blocking {@link HttpURLConnection}, as {@link WebDavClient} does), so the
 * difference is the hub's.
 * The throughput table goes to target/storage-benchmark.md (and docs/performance.md, section "Storage").
 */
class StorageThroughputIT {
    private static final long SIZE = 1024L * 1024 * 1024;
    private static BoundedHeapHub.Running hub;
    private static Process hubProcess;
    private static int port;
    private static String token;
    private static WebDavConfig dav;
    private static final int ROUNDS = 4;
    private static final List<String> rows = new ArrayList<>();
    private static final List<Transfer[]> pairs = new ArrayList<>();

    @BeforeAll
    static void startBoundedHub() throws Exception {
        URI folder = TestWebDav.freshFolder().root();
        dav = WebDavConfig.webDav(folder, TestWebDav.USER, TestWebDav.PASSWORD);
        hub = BoundedHeapHub.launch(folder, TestWebDav.USER, TestWebDav.PASSWORD);
        hubProcess = hub.process();
        port = hub.port();
        token = hub.token();
        assertTrue(hub.maxHeap() <= 160L * 1024 * 1024, "the hub JVM runs with a 128 MiB heap");
    }

    @AfterAll
    static void stopAndRecord() throws Exception {
        TestWebDav.remove(dav);
        if (hub != null) {
            hub.close();
        }
        StringBuilder md = new StringBuilder("| round | direction | first | direct MiB/s | through the hub MiB/s | hub / direct | hub CPU s |\n"
                + "|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> md.append(r).append('\n'));
        for (String direction : List.of("upload", "download")) {
            List<Double> ratios = new ArrayList<>(ROUNDS);
            for (Transfer[] pair : pairs.stream().filter(p -> p[0].direction.equals(direction)).toList()) {
                ratios.add(pair[1].rate() / pair[0].rate());
            }
            ratios.sort(null);
            md.append(String.format(Locale.ROOT, "| median | %s | | | | %.0f %% | |%n", direction,
                    100 * (ratios.get((ratios.size() - 1) / 2) + ratios.get(ratios.size() / 2)) / 2));
        }
        Path target = Path.of("target", "storage-benchmark.md");
        Files.createDirectories(target.getParent());
        Files.writeString(target, md.toString());
        System.out.println(md);
    }

    /**
     * {@value #ROUNDS} rounds after a warm-up round, each an upload and a download through the hub and straight to WebDAV; which of
     * the two goes first alternates, and the page cache is written back before each timed transfer, so neither
     * path pays for the other's disk writes.
     */
    @Test
    void aGibibyteStreamsThroughTheHubIntactAndItsSpeedIsComparedWithDirectWebDav() throws Exception {
        WebDavClient direct = new WebDavClient(dav);
        String hubFile = "http://127.0.0.1:" + port + "/api/v1/storage/files?path=/via-hub.bin";
        // round 0 warms up both JVMs' compilers and is not recorded
        for (int round = 0; round <= ROUNDS; round++) {
            boolean hubFirst = round % 2 == 1;
            long seed = round * 10L;
            Transfer[] up = new Transfer[2];
            Transfer[] down = new Transfer[2];
            for (int turn = 0; turn < 2; turn++) {
                if (hubFirst == (turn == 0)) {
                    up[1] = timed("upload", true, () -> uploadThroughHub(hubFile, seed + 1));
                } else {
                    up[0] = timed("upload", false, () -> {
                        MessageDigest sent = MessageDigest.getInstance("SHA-256");
                        direct.write("/direct.bin", new DigestInputStream(new PatternStream(SIZE, seed + 2), sent), SIZE);
                        return HexFormat.of().formatHex(sent.digest());
                    });
                }
            }
            for (int turn = 0; turn < 2; turn++) {
                if (hubFirst == (turn == 0)) {
                    down[1] = timed("download", true, () -> downloadThroughHub(hubFile));
                } else {
                    down[0] = timed("download", false, () -> sha256(direct.read("/direct.bin")));
                }
            }
            assertEquals(up[1].digest, down[1].digest, "round " + round + ": what came back through the hub is what went up");
            assertEquals(up[0].digest, down[0].digest, "round " + round + ": what came back from WebDAV is what went up");
            if (round > 0) {
                record(round, hubFirst, up);
                record(round, hubFirst, down);
            }
        }
        assertTrue(hubProcess.isAlive(), "the 128 MiB hub survived " + 2 * (ROUNDS + 1) + " GiB of traffic");
    }

    /** Sent as WebDavClient#write sends (a blocking connection, fixed length, 256 KiB writes), so both uploads cost their client the same. */
    private static String uploadThroughHub(String url, long seed) throws Exception {
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        HttpURLConnection put = (HttpURLConnection) URI.create(url).toURL().openConnection();
        put.setRequestMethod("PUT");
        put.setRequestProperty("Authorization", "token " + token);
        put.setDoOutput(true);
        put.setFixedLengthStreamingMode(SIZE);
        try (InputStream in = new DigestInputStream(new PatternStream(SIZE, seed), sent); OutputStream out = put.getOutputStream()) {
            byte[] buffer = new byte[256 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        }
        assertEquals(201, put.getResponseCode());
        drain(put.getInputStream());
        return HexFormat.of().formatHex(sent.digest());
    }

    /** Read as WebDavClient#read reads (a blocking connection), so both downloads cost their client the same. */
    private static String downloadThroughHub(String url) throws Exception {
        HttpURLConnection get = (HttpURLConnection) URI.create(url).toURL().openConnection();
        get.setRequestProperty("Authorization", "token " + token);
        assertEquals(200, get.getResponseCode());
        assertEquals(SIZE, get.getContentLengthLong());
        return sha256(get.getInputStream());
    }

    private record Transfer(String direction, boolean viaHub, double seconds, Duration hubCpu, String digest) {
        double rate() {
            return SIZE / 1048576.0 / seconds;
        }
    }

    private interface Digesting {
        String run() throws Exception;
    }

    private static Transfer timed(String direction, boolean viaHub, Digesting transfer) throws Exception {
        // Earlier uploads' dirty pages go to disk now, not during this transfer.
        assertEquals(0, new ProcessBuilder("sync").inheritIO().start().waitFor());
        Duration cpuBefore = hubCpu();
        long start = System.nanoTime();
        String digest = transfer.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Transfer(direction, viaHub, seconds, hubCpu().minus(cpuBefore), digest);
    }

    /** @param pair the direct transfer, then the one through the hub */
    private static void record(int round, boolean hubFirst, Transfer[] pair) {
        pairs.add(pair);
        rows.add(String.format(Locale.ROOT, "| %d | %s | %s | %.0f | %.0f | %.0f %% | %.1f |", round, pair[0].direction,
                hubFirst ? "hub" : "direct", pair[0].rate(), pair[1].rate(), 100 * pair[1].rate() / pair[0].rate(),
                pair[1].hubCpu.toMillis() / 1000.0));
    }

    private static void drain(InputStream in) throws Exception {
        try (in) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** CPU time the hub's JVM has used so far: what the hub costs, apart from the load other processes put on the machine. */
    private static Duration hubCpu() {
        return hubProcess.info().totalCpuDuration().orElse(Duration.ZERO);
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
