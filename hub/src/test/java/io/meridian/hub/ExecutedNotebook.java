package io.meridian.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.web.Json;
import io.meridian.platform.Platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An example notebook run headless by {@code jupyter nbconvert --execute} with the Meridian kernel and the
 * platform extension against a running hub, and readers for the outputs of its cells (found by cell id).
 */
public record ExecutedNotebook(JsonNode json) {
    private static final Path KERNEL_JAR = Path.of("..", "kernel", "target", "meridian-kernel.jar").toAbsolutePath().normalize();

    /** Executes {@code docs/examples/<name>} as the owner of {@code token}; fails with nbconvert's log if a cell fails. */
    public static ExecutedNotebook execute(String name, String hubApiUrl, String token, int cellTimeoutSeconds)
            throws Exception {
        if (!Files.isRegularFile(KERNEL_JAR)) {
            throw new IllegalStateException(KERNEL_JAR + " is missing: the integration tests run after the kernel is packaged");
        }
        Path notebook = Path.of("..", "docs", "examples", name).toAbsolutePath().normalize();
        Path scratch = Files.createTempDirectory("notebook-" + name.replace(".ipynb", ""));
        // Private copies: other builds may replace the shared jars while the notebook runs.
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
                        "--ExecutePreprocessor.kernel_name=meridian-java",
                        "--ExecutePreprocessor.timeout=" + cellTimeoutSeconds,
                        "--output-dir", out.toString(), "--output", "executed.ipynb", notebook.toString()),
                Map.of("JUPYTER_PATH", prefix.resolve("share/jupyter").toString(),
                        "MERIDIAN_HUB_API_URL", hubApiUrl,
                        "MERIDIAN_API_TOKEN", token,
                        "MERIDIAN_KERNEL_EXTENSIONS", extension.toString()), scratch);
        return new ExecutedNotebook(Json.MAPPER.readTree(out.resolve("executed.ipynb").toFile()));
    }

    public JsonNode cell(String id) {
        for (JsonNode cell : json.path("cells")) {
            if (cell.path("id").asText().equals(id)) {
                return cell;
            }
        }
        throw new AssertionError("no cell " + id);
    }

    /** The cell's outputs, checked to hold no error. */
    public JsonNode outputsWithoutError(String id) {
        JsonNode outputs = cell(id).path("outputs");
        for (JsonNode output : outputs) {
            assertTrue(!output.path("output_type").asText().equals("error"), id + ": " + output);
        }
        return outputs;
    }

    /** The first output of the cell carrying {@code mime}. */
    public String output(String id, String mime) {
        for (JsonNode output : cell(id).path("outputs")) {
            if (output.path("data").has(mime)) {
                return text(output.path("data").path(mime));
            }
        }
        throw new AssertionError(id + " has no " + mime + " output: " + cell(id).path("outputs"));
    }

    /** The text/plain of the cell's execute_result. */
    public String result(String id) {
        for (JsonNode output : outputsWithoutError(id)) {
            if (output.path("output_type").asText().equals("execute_result")) {
                return text(output.path("data").path("text/plain"));
            }
        }
        throw new AssertionError(id + " has no result: " + cell(id).path("outputs"));
    }

    public String stdout(String id) {
        StringBuilder out = new StringBuilder();
        for (JsonNode output : cell(id).path("outputs")) {
            if (output.path("name").asText().equals("stdout")) {
                out.append(text(output.path("text")));
            }
        }
        return out.toString();
    }

    /** Notebook text fields are a string or a list of lines. */
    public static String text(JsonNode node) {
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
