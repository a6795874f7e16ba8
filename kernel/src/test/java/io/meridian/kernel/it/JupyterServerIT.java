package io.meridian.kernel.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.StreamSupport;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded kernel as JupyterLab meets it: installed as a kernelspec, started by a real Jupyter server through
 * its sessions API, and driven over the server's kernel WebSocket.
 */
class JupyterServerIT {

    private static final Duration CELL = Duration.ofSeconds(60);

    @TempDir
    static Path scratch;

    private static JupyterServer server;
    private static String kernelId;
    private static KernelSocket kernel;

    @BeforeAll
    static void startServerAndKernel() throws Exception {
        InstalledKernel installed = InstalledKernel.installUnder(scratch.resolve("prefix"));
        server = JupyterServer.start(installed, scratch);
        kernelId = server.startKernelSession("it.ipynb");
        kernel = server.connect(kernelId);
        // The first cell also waits for the JVM to come up.
        KernelSocket.Exchange first = kernel.run("int warmUp = 1;");
        assertEquals("ok", first.status(), () -> first.reply() + "\n" + server.logTail());
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (kernel != null) {
            kernel.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void expressionResultAndVariablesCarryAcrossCells() throws InterruptedException {
        KernelSocket.Exchange define = kernel.run("int base = 20;\nString who = \"Meridian\";");
        KernelSocket.Exchange use = kernel.run("base * 2 + 2");

        assertEquals("ok", define.status());
        assertEquals("ok", use.status());
        List<JsonNode> results = use.ofType("execute_result");
        assertEquals(1, results.size(), use.iopub()::toString);
        assertEquals("42", results.get(0).path("content").path("data").path("text/plain").asText());
        int count = use.reply().path("content").path("execution_count").asInt();
        assertEquals(count, results.get(0).path("content").path("execution_count").asInt());
        assertEquals(count - 1, define.reply().path("content").path("execution_count").asInt());
        assertTrue(KernelSocket.isStatus(use.iopub().get(0), "busy"), "first IOPub message is busy");
        assertTrue(KernelSocket.isStatus(use.iopub().get(use.iopub().size() - 1), "idle"), "last is idle");
    }

    @Test
    void printedTextArrivesAsStdoutAndStderrStreams() throws InterruptedException {
        KernelSocket.Exchange printed = kernel.run(
                "System.out.println(\"to stdout\");\nSystem.err.println(\"to stderr\");");

        assertEquals("ok", printed.status());
        assertEquals("to stdout\n", printed.stream("stdout"));
        assertEquals("to stderr\n", printed.stream("stderr"));
        assertTrue(printed.ofType("execute_result").isEmpty(), "a statement has no result");
    }

    @Test
    void displayedHtmlReachesTheFrontendAsDisplayData() throws InterruptedException {
        KernelSocket.Exchange shown = kernel.run("display(html(\"<b>bold</b> move\"));");

        assertEquals("ok", shown.status(), shown.reply()::toString);
        List<JsonNode> displays = shown.ofType("display_data");
        assertEquals(1, displays.size(), shown.iopub()::toString);
        assertEquals("<b>bold</b> move", displays.get(0).path("content").path("data").path("text/html").asText());
    }

    @Test
    void displayedImageIsAPngOfTheRightSize() throws InterruptedException, IOException {
        KernelSocket.Exchange shown = kernel.run("""
                var image = new java.awt.image.BufferedImage(32, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
                image.setRGB(3, 4, 0xFF0000);
                display(image);
                """);

        assertEquals("ok", shown.status(), shown.reply()::toString);
        List<JsonNode> displays = shown.ofType("display_data");
        assertEquals(1, displays.size(), shown.iopub()::toString);
        String png = displays.get(0).path("content").path("data").path("image/png").asText();
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Base64.getMimeDecoder().decode(png)));
        assertEquals(32, decoded.getWidth());
        assertEquals(16, decoded.getHeight());
        assertEquals(0xFF0000, decoded.getRGB(3, 4) & 0xFFFFFF);
    }

    @Test
    void compileErrorIsReportedWithTheCompilerMessage() throws InterruptedException {
        KernelSocket.Exchange failed = kernel.run("int broken = \"text\";");

        assertEquals("error", failed.status());
        List<JsonNode> errors = failed.ofType("error");
        assertEquals(1, errors.size(), failed.iopub()::toString);
        String traceback = String.join("\n", texts(errors.get(0).path("content").path("traceback")));
        assertTrue(traceback.contains("incompatible types: java.lang.String cannot be converted to int"), traceback);
        assertEquals(failed.reply().path("content").path("ename"), errors.get(0).path("content").path("ename"));
        KernelSocket.Exchange after = kernel.run("broken");
        assertEquals("error", after.status(), "a snippet that did not compile defines nothing");
    }

    @Test
    void runtimeExceptionIsReportedWithItsClassAndMessage() throws InterruptedException {
        KernelSocket.Exchange failed = kernel.run("throw new IllegalStateException(\"boom\");");

        assertEquals("error", failed.status());
        JsonNode reply = failed.reply().path("content");
        assertTrue(reply.path("ename").asText().endsWith("IllegalStateException"), reply::toString);
        assertEquals("boom", reply.path("evalue").asText());
        List<JsonNode> errors = failed.ofType("error");
        assertEquals(1, errors.size(), failed.iopub()::toString);
        assertEquals(reply.path("evalue"), errors.get(0).path("content").path("evalue"));
        assertFalse(failed.stream("stderr").contains("at jdk.jshell"), "no JShell internals leak to stderr");
    }

    @Test
    void interruptStopsARunawayCellAndTheKernelKeepsWorking() throws Exception {
        String loop = kernel.execute("while (true) { }", false);
        kernel.await(message -> KernelSocket.isStatus(message, "busy")
                && loop.equals(message.path("parent_header").path("msg_id").asText()), CELL);
        Thread.sleep(500);

        long interrupted = System.nanoTime();
        HttpResponse<String> interrupt = server.post("api/kernels/" + kernelId + "/interrupt", "");
        KernelSocket.Exchange stopped = kernel.collect(loop, Duration.ofSeconds(20));

        assertEquals(204, interrupt.statusCode(), interrupt::body);
        assertEquals("error", stopped.status(), stopped.reply()::toString);
        assertTrue(Duration.ofNanos(System.nanoTime() - interrupted).compareTo(Duration.ofSeconds(10)) < 0);
        KernelSocket.Exchange after = kernel.run("1+1");
        assertEquals("ok", after.status());
        assertEquals("2", after.ofType("execute_result").get(0).path("content").path("data").path("text/plain").asText());
    }

    @Test
    void stdinPromptIsAnsweredOverTheWebSocket() throws InterruptedException {
        String asking = kernel.execute("String name = readLine(\"Your name: \");\nSystem.out.println(\"Hello \" + name);",
                true);
        JsonNode request = kernel.await(message -> KernelSocket.type(message).equals("input_request"), CELL);

        assertEquals("stdin", request.path("channel").asText());
        assertEquals(asking, request.path("parent_header").path("msg_id").asText());
        assertEquals("Your name: ", request.path("content").path("prompt").asText());
        assertFalse(request.path("content").path("password").asBoolean());
        kernel.answerInput("Ada", request.path("header").path("msg_id").asText());
        KernelSocket.Exchange answered = kernel.collect(asking, CELL);
        assertEquals("ok", answered.status(), answered.reply()::toString);
        assertEquals("Hello Ada\n", answered.stream("stdout"));
    }

    @Test
    void mavenMagicAddsALibraryFromMavenCentral() throws InterruptedException {
        KernelSocket.Exchange added = kernel.run("%maven org.apache.commons:commons-text:1.13.0");
        KernelSocket.Exchange used = kernel.run(
                "org.apache.commons.text.WordUtils.capitalize(org.apache.commons.lang3.StringUtils.reverse(\"olleh\"))");

        assertEquals("ok", added.status(), added.reply()::toString);
        assertEquals("Added org.apache.commons:commons-text:1.13.0 (2 jars)\n", added.stream("stdout"));
        assertEquals("", added.stream("stderr"), "no resolver logging in the cell");
        assertEquals("ok", used.status(), used.reply()::toString);
        assertEquals("\"Hello\"", used.ofType("execute_result").get(0).path("content").path("data").path("text/plain")
                .asText());
    }

    @Test
    void mavenMagicWithBadCoordinatesSaysWhatIsExpected() throws InterruptedException {
        KernelSocket.Exchange failed = kernel.run("%maven commons-lang3");

        assertEquals("error", failed.status());
        String evalue = failed.reply().path("content").path("evalue").asText();
        assertTrue(evalue.contains("Bad Maven coordinates 'commons-lang3': expected group:artifact:version"), evalue);
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
