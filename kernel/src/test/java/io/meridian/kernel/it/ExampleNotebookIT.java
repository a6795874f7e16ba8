package io.meridian.kernel.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/examples/java-basics.ipynb, executed top to bottom by nbconvert with the installed kernel. */
class ExampleNotebookIT {

    private static final Path NOTEBOOK = Path.of("..", "docs", "examples", "java-basics.ipynb").toAbsolutePath();

    @TempDir
    static Path scratch;

    private static JsonNode executed;

    @BeforeAll
    static void executeTheNotebook() throws IOException, InterruptedException {
        InstalledKernel kernel = InstalledKernel.installUnder(scratch.resolve("prefix"));
        Path out = scratch.resolve("out");
        ProcessBuilder nbconvert = new ProcessBuilder("/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute",
                "--ExecutePreprocessor.kernel_name=" + InstalledKernel.KERNEL_NAME,
                "--ExecutePreprocessor.timeout=120",
                "--output-dir", out.toString(), "--output", "executed.ipynb", NOTEBOOK.toString())
                .redirectErrorStream(true);
        kernel.isolate(nbconvert.environment(), scratch);
        Process process = nbconvert.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "nbconvert still running");
        assertEquals(0, process.exitValue(), log);
        executed = JupyterServer.JSON.readTree(out.resolve("executed.ipynb").toFile());
    }

    @Test
    void everyCodeCellRanInOrderWithoutErrors() {
        int expectedCount = 1;
        for (JsonNode cell : executed.path("cells")) {
            if (!cell.path("cell_type").asText().equals("code")) {
                continue;
            }
            assertEquals(expectedCount++, cell.path("execution_count").asInt(), cell.path("id").asText());
            for (JsonNode output : cell.path("outputs")) {
                assertTrue(!output.path("output_type").asText().equals("error"), cell.path("id") + ": " + output);
            }
        }
        assertEquals(9, expectedCount - 1, "code cells in the notebook");
    }

    @Test
    void variablesAndMethodsAreVisibleInLaterCells() {
        // Like JShell, the kernel shows a String result as a Java literal.
        assertEquals("\"Meridian says 42\"", result("reuse"));
        assertEquals("\"Hello, Meridian!\"", result("method"));
        assertEquals("4", result("record"));
    }

    @Test
    void streamPipelinePrintsTotalAndRanking() {
        assertEquals("total = 18.75\nkernel > spawner > hub > proxy\n", stdout("stream"));
    }

    @Test
    void htmlAndMarkdownAreDisplayed() {
        String table = displayed("html", "text/html");
        assertTrue(table.startsWith("<table><tr><th>label</th><th>value</th></tr>"), table);
        assertTrue(table.contains("<tr><td>kernel</td><td>8.0</td></tr>"), table);
        assertEquals(4, Pattern.compile("<tr><td>").matcher(table).results().count(), "one row per sample: " + table);
        assertEquals("**4 samples**, largest: `kernel`", displayed("markdown", "text/markdown"));
    }

    @Test
    void chartIsAPngWithOneBarPerSampleScaledToTheLargest() throws IOException {
        byte[] png = Base64.getMimeDecoder().decode(displayed("chart", "image/png"));
        BufferedImage chart = ImageIO.read(new ByteArrayInputStream(png));

        assertEquals(400, chart.getWidth());
        assertEquals(200, chart.getHeight());
        int bar = 0x3b6ea5;
        // Bars are 100 px wide slots; the kernel bar (second, the largest) reaches 160 px high, the proxy bar 40.
        assertEquals(bar, chart.getRGB(150, 25) & 0xFFFFFF, "top of the tallest bar");
        assertEquals(0xFFFFFF, chart.getRGB(350, 130) & 0xFFFFFF, "above the smallest bar");
        assertEquals(bar, chart.getRGB(350, 150) & 0xFFFFFF, "inside the smallest bar");
    }

    @Test
    void timeMagicRunsTheCellAndReportsTheWallTime() {
        String printed = stdout("time");
        assertTrue(Pattern.compile("9592 primes up to 100000\nWall time: \\d+\\.\\d ms\n").matcher(printed).matches(),
                printed);
    }

    private static JsonNode cell(String id) {
        for (JsonNode cell : executed.path("cells")) {
            if (cell.path("id").asText().equals(id)) {
                return cell;
            }
        }
        throw new AssertionError("no cell with id " + id);
    }

    private static List<JsonNode> outputs(String id, String outputType) {
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode output : cell(id).path("outputs")) {
            if (output.path("output_type").asText().equals(outputType)) {
                matching.add(output);
            }
        }
        return matching;
    }

    private static String result(String id) {
        List<JsonNode> results = outputs(id, "execute_result");
        assertEquals(1, results.size(), () -> id + ": " + cell(id).path("outputs"));
        return text(results.get(0).path("data").path("text/plain"));
    }

    private static String displayed(String id, String mime) {
        List<JsonNode> displays = outputs(id, "display_data");
        assertEquals(1, displays.size(), () -> id + ": " + cell(id).path("outputs"));
        return text(displays.get(0).path("data").path(mime));
    }

    private static String stdout(String id) {
        StringBuilder text = new StringBuilder();
        for (JsonNode stream : outputs(id, "stream")) {
            if (stream.path("name").asText().equals("stdout")) {
                text.append(text(stream.path("text")));
            }
        }
        return text.toString();
    }

    /** nbformat stores multi-line strings either whole or as a list of lines. */
    private static String text(JsonNode value) {
        if (!value.isArray()) {
            return value.asText();
        }
        StringBuilder joined = new StringBuilder();
        value.forEach(line -> joined.append(line.asText()));
        return joined.toString();
    }
}
