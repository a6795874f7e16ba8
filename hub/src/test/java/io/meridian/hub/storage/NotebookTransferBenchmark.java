package io.meridian.hub.storage;

import io.meridian.nextcloud.PatternStream;
import io.meridian.nextcloud.TestWebDav;
import io.meridian.nextcloud.WebDavConfig;
import io.meridian.platform.Platform;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * What a notebook gets moving a file through the hub with {@code platform.storage()}: {@code .upload} and
 * {@code .download} (blocking connections, 256 KiB buffers) against what the client did before 2026-11-30, the
 * JDK {@code HttpClient} with {@code ofFile} up and {@code ofInputStream} down (which {@code .read} still uses),
 * one after the other in each round. The hub is the storage service with a WebDAV backend in a -Xmx128m JVM of
 * its own ({@link BoundedHeapHub}), as in the throughput test. Run by
 * bench/storage/run.sh notebook [MiB] (default 1024); round 0 warms up and is not shown.
 */
public final class NotebookTransferBenchmark {
    private NotebookTransferBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args.length > 0 ? args[0] : "1024") * 1024 * 1024;
        WebDavConfig dav = TestWebDav.freshFolder();
        Path local = Files.createTempDirectory("notebook-transfers");
        Path file = local.resolve("local.bin");
        try (OutputStream out = Files.newOutputStream(file)) {
            new PatternStream(size, 3).transferTo(out);
        }
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (BoundedHeapHub.Running hub = BoundedHeapHub.launch(dav.root(), dav.login(), dav.password())) {
            String base = "http://127.0.0.1:" + hub.port();
            Platform platform = Platform.connect(base + "/hub/api", hub.token());
            HttpRequest.Builder files = HttpRequest.newBuilder(URI.create(base + "/api/v1/storage/files?path=/nb.bin"))
                    .header("Authorization", "token " + hub.token());
            System.out.println("| round | upload now MiB/s | upload before MiB/s | download now MiB/s | download before MiB/s |");
            System.out.println("|---|---|---|---|---|");
            for (int round = 0; round <= 3; round++) {
                double upNow = rate(size, () -> platform.storage().upload(file, "/nb.bin"));
                double upBefore = rate(size, () -> {
                    HttpResponse<String> put = jdk.send(files.copy().PUT(HttpRequest.BodyPublishers.ofFile(file)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (put.statusCode() != 201) {
                        throw new IllegalStateException("upload answered " + put.statusCode() + ": " + put.body());
                    }
                });
                Path back = local.resolve("back.bin");
                double downNow = rate(size, () -> platform.storage().download("/nb.bin", back));
                double downBefore = rate(size, () -> {
                    try (InputStream in = platform.storage().read("/nb.bin")) {
                        Files.copy(in, back, StandardCopyOption.REPLACE_EXISTING);
                    }
                });
                if (Files.size(back) != size) {
                    throw new IllegalStateException("downloaded " + Files.size(back) + " of " + size + " bytes");
                }
                if (round > 0) {
                    System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.0f | %.0f |%n", round, upNow, upBefore, downNow, downBefore);
                }
            }
        } finally {
            TestWebDav.remove(dav);
            try (var paths = Files.list(local)) {
                for (Path p : paths.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(local);
        }
    }

    private interface Transfer {
        void run() throws Exception;
    }

    private static double rate(long size, Transfer transfer) throws Exception {
        long start = System.nanoTime();
        transfer.run();
        return size / 1048576.0 / ((System.nanoTime() - start) / 1e9);
    }
}
