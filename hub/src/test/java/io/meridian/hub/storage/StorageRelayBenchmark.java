package io.meridian.hub.storage;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpService;
import io.meridian.hub.quotas.Quota;
import io.meridian.hub.servers.SecretBox;
import io.meridian.nextcloud.PatternStream;
import io.meridian.nextcloud.TestWebDav;
import io.meridian.nextcloud.WebDavClient;
import io.meridian.nextcloud.WebDavConfig;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Where a download through the hub spends its time: the same file fetched with curl (a client that costs
 * little, so the hub's share shows) straight from the WebDAV server, through the storage service as it is,
 * and through the relay the service used before (the JDK's {@code ofInputStream} and {@code transferTo}),
 * in interleaved rounds so that all three see the same machine load. Reports wall time and this JVM's CPU
 * time (the hub's; curl and Apache run elsewhere). Run by bench/storage/run.sh; argument: MiB (default 512).
 */
public final class StorageRelayBenchmark {
    private StorageRelayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args.length > 0 ? args[0] : "512") * 1024 * 1024;
        WebDavConfig dav = TestWebDav.freshFolder();
        new WebDavClient(dav).write("/file.bin", new PatternStream(size, 7), size);
        URI file = URI.create(dav.root() + "file.bin");
        String basic = "Basic " + Base64.getEncoder().encodeToString((dav.login() + ":" + dav.password()).getBytes());
        HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // the storage service's download before 2026-11-30: the JDK client's ofInputStream, then transferTo's 16 KiB copies
        HttpService former = rules -> rules.get("/former", (req, res) -> {
            res.header(HeaderNames.CONTENT_LENGTH, Long.toString(size));
            try (InputStream in = jdk.send(HttpRequest.newBuilder(file).header("Authorization", basic).build(),
                    HttpResponse.BodyHandlers.ofInputStream()).body(); OutputStream out = res.outputStream()) {
                in.transferTo(out);
            }
        });
        Path data = TestPlatformServer.tempDir();
        UserStorage storage = new UserStorage(data.resolve("storage"), data.resolve("connections"),
                SecretBox.fromKeyFile(data.resolve("hub-secret.key")));
        storage.connect("alice", "webdav", dav.root().toString(), dav.login(), dav.password());
        try (TestPlatformServer hub = TestPlatformServer.start(data, auth -> List.of(former,
                new StorageService(auth::api, storage, new NextcloudLogins(storage, Duration.ofSeconds(1),
                        Duration.ofMinutes(1)), user -> Quota.UNLIMITED)))) {
            String token = "Authorization: token " + hub.tokenFor("alice", false, List.of("self"));
            String base = "http://127.0.0.1:" + hub.port() + "/api/v1";
            System.out.println("| round | direct MiB/s | hub now MiB/s | hub CPU s/GiB | hub before MiB/s | hub CPU s/GiB |");
            System.out.println("|---|---|---|---|---|---|");
            for (int round = 0; round <= 5; round++) {
                double[] direct = fetch(file.toString(), "Authorization: " + basic, size);
                double[] now = fetch(base + "/storage/files?path=/file.bin", token, size);
                double[] before = fetch(base + "/former", token, size);
                if (round > 0) {
                    // round 0 warms the JIT
                    System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.2f | %.0f | %.2f |%n", round, direct[0],
                            now[0], now[1], before[0], before[1]);
                }
            }
        } finally {
            TestWebDav.remove(dav);
        }
    }

    /** MiB/s and this JVM's CPU seconds per GiB for one curl download of {@code url}. */
    private static double[] fetch(String url, String header, long size) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        Process curl = new ProcessBuilder("curl", "-sS", "-f", "-o", "/dev/null", "-w", "%{size_download}", "-H", header, url)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String got = new String(curl.getInputStream().readAllBytes()).trim();
        if (curl.waitFor() != 0 || Long.parseLong(got) != size) {
            throw new IllegalStateException("curl " + url + " got " + got + " of " + size + " bytes");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
        return new double[] {size / 1048576.0 / seconds, cpuSeconds * (1L << 30) / size};
    }
}
