package io.meridian.hub.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.ExecutedNotebook;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/examples/platform-tour.ipynb executed headless by nbconvert with the built Meridian kernel, the
 * platform extension loaded through MERIDIAN_KERNEL_EXTENSIONS, against a running hub: the packaged
 * hub jar in a process of its own, on its embedded defaults, serving the repository's default catalog.
 */
class PlatformTourNotebookIT {
    private static final Path KERNEL_JAR = Path.of("..", "kernel", "target", "meridian-kernel.jar").toAbsolutePath().normalize();
    private static final Path HUB_JAR = Path.of(System.getProperty("meridian.hub.jar", "target/meridian-hub.jar")).toAbsolutePath();
    private static final String ADMIN_TOKEN = "platform-tour-admin-token-0123456789";
    private static Process hub;
    private static String hubUrl;
    private static String aliceToken;
    private static ExecutedNotebook executed;

    @BeforeAll
    static void runTheNotebookAgainstAHub() throws Exception {
        Path scratch = Files.createTempDirectory("platform-tour");
        for (Path jar : List.of(HUB_JAR, KERNEL_JAR)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: the integration tests run after the kernel and hub are packaged");
            }
        }
        int port = freePort();
        hubUrl = "http://127.0.0.1:" + port;
        ProcessBuilder hubProcess = new ProcessBuilder(javaBinary(), "-jar", HUB_JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(scratch.resolve("hub.log").toFile());
        hubProcess.environment().putAll(Map.of(
                "MERIDIAN_PORT", Integer.toString(port),
                "MERIDIAN_DATA_DIR", scratch.resolve("hub-data").toString(),
                "MERIDIAN_ADMIN_TOKEN", ADMIN_TOKEN,
                "MERIDIAN_CATALOG_DIR", CatalogFixtures.DEFAULT_CATALOG.toString()));
        hub = hubProcess.start();
        HttpClient http = HttpClient.newHttpClient();
        waitUntilUp(http, hubUrl, scratch.resolve("hub.log"));
        send(http, HttpRequest.newBuilder(URI.create(hubUrl + "/hub/api/users/alice"))
                .POST(HttpRequest.BodyPublishers.noBody()), 201);
        aliceToken = Json.MAPPER.readTree(send(http, HttpRequest.newBuilder(URI.create(hubUrl + "/hub/api/users/alice/tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"scopes\": [\"self\"], \"note\": \"platform tour\"}")), 201))
                .path("token").asText();

        executed = ExecutedNotebook.execute("platform-tour.ipynb", hubUrl + "/hub/api", aliceToken, 120);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (hub != null) {
            hub.destroy();
            if (!hub.waitFor(20, TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
    }

    @Test
    void everyCellRunsWithoutAnError() {
        int cells = 0;
        for (JsonNode cell : executed.json().path("cells")) {
            if (cell.path("cell_type").asText().equals("code")) {
                cells++;
                for (JsonNode output : cell.path("outputs")) {
                    assertTrue(!output.path("output_type").asText().equals("error"), cell.path("id") + ": " + output);
                }
            }
        }
        assertEquals(12, cells);
    }

    @Test
    void theCatalogShowsAsATableAndACard() {
        assertTrue(executed.output("connected", "text/plain").contains("Meridian platform at http://127.0.0.1:"));
        assertEquals("\"alice\"", executed.output("me", "text/plain"));
        String table = executed.output("search", "text/html");
        assertTrue(table.startsWith("<table") && table.contains("iris-classifier") && table.contains("plant-species-classifier"), table);
        assertTrue(executed.output("card", "text/html").contains("meridian/module-iris"));
        assertEquals("2.3.0 Iris flower classifier (Java)\n", executed.stdout("metadata"));
    }

    @Test
    void storageRoundTripsAndListsWithHumanSizes() {
        assertEquals("\"written from the platform tour\"", executed.output("write", "text/plain"));
        assertEquals("\"text/csv\"", executed.output("upload", "text/plain"));
        String listing = executed.output("listing", "text/html");
        assertTrue(listing.contains("iris-sample.csv") && listing.contains("107 B") && listing.contains("tour-notes.txt"), listing);
        assertEquals("3", executed.output("download", "text/plain"));
        assertEquals("404: no module 'no-such-module' in the catalog\n", executed.stdout("errors"));
    }

    @Test
    void largeFilesShowTheirProgressThenASummaryAndComeBackIntact() {
        List<String> shown = new java.util.ArrayList<>();
        for (JsonNode output : executed.outputsWithoutError("large")) {
            if (output.path("output_type").asText().equals("display_data")) {
                shown.add(ExecutedNotebook.text(output.path("data").path("text/html")));
            }
        }
        // nbconvert keeps each display as its last update: the progress bars became their summaries
        assertEquals(2, shown.size(), shown.toString());
        assertTrue(shown.get(0).startsWith("<div style=\"font-family:monospace\">uploaded random.bin → /random.bin: 64 MiB in "), shown.get(0));
        assertTrue(shown.get(1).startsWith("<div style=\"font-family:monospace\">downloaded /random.bin → random-copy.bin: 64 MiB in "), shown.get(1));
        assertEquals("true", executed.result("large"));
    }

    @Test
    void theFullHubTakesUploadsFarAboveItsJsonBodyLimit() throws Exception {
        byte[] eightMiB = new byte[8 * 1024 * 1024];
        new java.util.Random(8).nextBytes(eightMiB);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(hubUrl + "/api/v1/storage/files?path=/big.bin"))
                .header("Authorization", "token " + aliceToken)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(eightMiB)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, put.statusCode(), put.body());
        HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(hubUrl + "/api/v1/storage/files?path=/big.bin"))
                .header("Authorization", "token " + aliceToken).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertTrue(java.util.Arrays.equals(eightMiB, get.body()));
    }

    private static void waitUntilUp(HttpClient http, String hubUrl, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!hub.isAlive()) {
                throw new IllegalStateException("the hub exited: " + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(hubUrl + "/api/v1/openapi.yaml")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the hub did not answer within 90 s: " + Files.readString(log));
    }

    private static String send(HttpClient http, HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> r = http.send(request.header("Authorization", "token " + ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, r.statusCode(), r.body());
        return r.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

}
