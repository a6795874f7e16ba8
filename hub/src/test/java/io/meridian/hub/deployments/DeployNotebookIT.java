package io.meridian.hub.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub;
import io.meridian.hub.web.Json;
import io.meridian.platform.Platform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/examples/deploy-train.ipynb executed headless by nbconvert with the built Meridian kernel and the
 * platform extension, against a hub with real Docker: the training cell shows ONE display, updated in
 * place until it holds the final metrics table.
 */
class DeployNotebookIT {
    private static final Path NOTEBOOK = Path.of("..", "docs", "examples", "deploy-train.ipynb").toAbsolutePath().normalize();
    private static final Path KERNEL_JAR = Path.of("..", "kernel", "target", "meridian-kernel.jar").toAbsolutePath().normalize();
    private static TestHub hub;
    private static JsonNode executed;

    @BeforeAll
    static void runTheNotebook() throws Exception {
        if (!Files.isRegularFile(KERNEL_JAR)) {
            throw new IllegalStateException(KERNEL_JAR + " is missing: the integration tests run after the kernel is packaged");
        }
        Path scratch = Files.createTempDirectory("deploy-notebook");
        hub = TestHub.start(scratch.resolve("hub"), Map.of());
        String token = hub.userWithToken("nadia");
        Path kernelJar = Files.copy(KERNEL_JAR, scratch.resolve("meridian-kernel.jar"));
        Path prefix = scratch.resolve("prefix");
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", kernelJar.toString(),
                "install", "--prefix", prefix.toString()), Map.of(), scratch);
        Path extension = Path.of(Platform.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isRegularFile(extension)) {
            extension = Files.copy(extension, scratch.resolve("meridian-platform.jar"));
        }
        Path out = scratch.resolve("out");
        run(List.of("/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute",
                        "--ExecutePreprocessor.kernel_name=meridian-java", "--ExecutePreprocessor.timeout=180",
                        "--output-dir", out.toString(), "--output", "executed.ipynb", NOTEBOOK.toString()),
                Map.of("JUPYTER_PATH", prefix.resolve("share/jupyter").toString(),
                        "MERIDIAN_HUB_API_URL", hub.url("/hub/api"),
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
    void deployPredictAndServeAnswerInCells() {
        assertEquals("\"running\"", result("deploy"));
        assertEquals("\"setosa\"", result("predict"));
        assertEquals("\"virginica\"", result("serve"));
        assertEquals("0", result("cleanup"));
    }

    @Test
    void trainingShowsOneDisplayUpdatedInPlaceToTheFinalMetrics() {
        assertEquals("\"done\"", result("train"));
        List<JsonNode> displays = new ArrayList<>();
        cell("train").path("outputs").forEach(o -> {
            if (o.path("output_type").asText().equals("display_data")) {
                displays.add(o);
            }
        });
        assertEquals(1, displays.size(), "one progress display, not one per update: " + cell("train").path("outputs"));
        String html = text(displays.getFirst().path("data").path("text/html"));
        assertTrue(html.contains("<b>done</b>") && html.contains(">loss<") && html.contains("test_accuracy"), html);
    }

    private static JsonNode cell(String id) {
        for (JsonNode cell : executed.path("cells")) {
            if (cell.path("id").asText().equals(id)) {
                for (JsonNode output : cell.path("outputs")) {
                    assertTrue(!output.path("output_type").asText().equals("error"), id + ": " + output);
                }
                return cell;
            }
        }
        throw new AssertionError("no cell " + id);
    }

    private static String result(String id) {
        for (JsonNode output : cell(id).path("outputs")) {
            if (output.path("output_type").asText().equals("execute_result")) {
                return text(output.path("data").path("text/plain"));
            }
        }
        throw new AssertionError(id + " has no result: " + cell(id).path("outputs"));
    }

    private static String text(JsonNode node) {
        if (node.isArray()) {
            StringBuilder s = new StringBuilder();
            node.forEach(n -> s.append(n.asText()));
            return s.toString();
        }
        return node.asText();
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
