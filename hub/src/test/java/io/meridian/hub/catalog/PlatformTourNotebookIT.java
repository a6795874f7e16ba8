package io.meridian.hub.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.servers.SecretBox;
import io.meridian.hub.storage.NextcloudLogins;
import io.meridian.hub.storage.StorageService;
import io.meridian.hub.storage.TestPlatformServer;
import io.meridian.hub.storage.UserStorage;
import io.meridian.hub.web.Json;
import io.meridian.platform.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/examples/platform-tour.ipynb executed headless by nbconvert with the built Meridian kernel, the
 * platform extension loaded through MERIDIAN_KERNEL_EXTENSIONS, against the platform API of a running hub.
 */
class PlatformTourNotebookIT {
    private static final Path NOTEBOOK = Path.of("..", "docs", "examples", "platform-tour.ipynb").toAbsolutePath().normalize();
    private static final Path KERNEL_JAR = Path.of("..", "kernel", "target", "meridian-kernel.jar").toAbsolutePath().normalize();
    private static TestPlatformServer hub;
    private static JsonNode executed;

    @BeforeAll
    static void runTheNotebookAgainstAHub() throws Exception {
        Path scratch = Files.createTempDirectory("platform-tour");
        Catalog catalog = new Catalog(new CatalogLoader(new MetadataValidator()), CatalogFixtures.DEFAULT_CATALOG, null);
        catalog.refresh();
        UserStorage storage = new UserStorage(scratch.resolve("storage"), scratch.resolve("connections"),
                SecretBox.fromKeyFile(scratch.resolve("hub-secret.key")));
        hub = TestPlatformServer.start(scratch.resolve("hub"), auth -> List.of(
                new CatalogService(auth::api, catalog, user -> Resources.DEFAULT_QUOTA),
                new StorageService(auth::api, storage, new NextcloudLogins(storage, Duration.ofMillis(100), Duration.ofMinutes(1)))));
        String token = hub.tokenFor("alice", false, List.of("self"));

        if (!Files.isRegularFile(KERNEL_JAR)) {
            throw new IllegalStateException(KERNEL_JAR + " is missing: build the kernel first (mvn install runs it before the hub)");
        }
        Path prefix = scratch.resolve("prefix");
        run(List.of(javaBinary(), "-jar", KERNEL_JAR.toString(), "install", "--prefix", prefix.toString()), Map.of(), scratch);

        Path extension = Path.of(Platform.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path out = scratch.resolve("out");
        run(List.of("/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.kernel_name=meridian-java", "--ExecutePreprocessor.timeout=120",
                        "--output-dir", out.toString(), "--output", "executed.ipynb", NOTEBOOK.toString()),
                Map.of("JUPYTER_PATH", prefix.resolve("share/jupyter").toString(),
                        "MERIDIAN_HUB_API_URL", hub.url("/hub/api").toString(),
                        "MERIDIAN_API_TOKEN", token,
                        "MERIDIAN_KERNEL_EXTENSIONS", extension.toString()), scratch);
        executed = Json.MAPPER.readTree(out.resolve("executed.ipynb").toFile());
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void everyCellRunsWithoutAnError() {
        int cells = 0;
        for (JsonNode cell : executed.path("cells")) {
            if (cell.path("cell_type").asText().equals("code")) {
                cells++;
                for (JsonNode output : cell.path("outputs")) {
                    assertTrue(!output.path("output_type").asText().equals("error"), cell.path("id") + ": " + output);
                }
            }
        }
        assertEquals(11, cells);
    }

    @Test
    void theCatalogShowsAsATableAndACard() {
        assertTrue(output("connected", "text/plain").contains("Meridian platform at http://127.0.0.1:"));
        assertEquals("\"alice\"", output("me", "text/plain"));
        String table = output("search", "text/html");
        assertTrue(table.startsWith("<table") && table.contains("iris-classifier") && table.contains("plant-species-classifier"), table);
        assertTrue(output("card", "text/html").contains("meridian/module-iris"));
        assertEquals("2.3.0 Iris flower classifier (Java)\n", stdout("metadata"));
    }

    @Test
    void storageRoundTripsAndListsWithHumanSizes() {
        assertEquals("\"written from the platform tour\"", output("write", "text/plain"));
        assertEquals("\"text/csv\"", output("upload", "text/plain"));
        String listing = output("listing", "text/html");
        assertTrue(listing.contains("iris-sample.csv") && listing.contains("107 B") && listing.contains("tour-notes.txt"), listing);
        assertEquals("3", output("download", "text/plain"));
        assertEquals("404: no module 'no-such-module' in the catalog\n", stdout("errors"));
    }

    private static JsonNode cell(String id) {
        for (JsonNode cell : executed.path("cells")) {
            if (cell.path("id").asText().equals(id)) {
                return cell;
            }
        }
        throw new AssertionError("no cell " + id);
    }

    private static String output(String id, String mime) {
        for (JsonNode output : cell(id).path("outputs")) {
            if (output.path("data").has(mime)) {
                return text(output.path("data").path(mime));
            }
        }
        throw new AssertionError(id + " has no " + mime + " output: " + cell(id).path("outputs"));
    }

    private static String stdout(String id) {
        StringBuilder out = new StringBuilder();
        for (JsonNode output : cell(id).path("outputs")) {
            if (output.path("name").asText().equals("stdout")) {
                out.append(text(output.path("text")));
            }
        }
        return out.toString();
    }

    private static String text(JsonNode node) {
        if (node.isArray()) {
            StringBuilder s = new StringBuilder();
            node.forEach(n -> s.append(n.asText()));
            return s.toString();
        }
        return node.asText();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void run(List<String> command, Map<String, String> env, Path scratch) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        for (String variable : List.of("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")) {
            builder.environment().put(variable, Files.createDirectories(scratch.resolve(variable.toLowerCase())).toString());
        }
        builder.environment().put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
        Process process = builder.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "still running: " + command.get(0));
        assertEquals(0, process.exitValue(), String.join(" ", command) + "\n" + log);
    }
}
