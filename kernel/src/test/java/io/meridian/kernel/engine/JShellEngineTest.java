package io.meridian.kernel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.meridian.kernel.display.RendererRegistry;
import io.meridian.kernel.magics.BuiltinMagics;
import io.meridian.kernel.magics.MagicRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JShellEngineTest {

    private static JShellEngine engine;

    @BeforeAll
    static void start() {
        MagicRegistry magics = new MagicRegistry();
        BuiltinMagics.registerAll(magics);
        engine = new JShellEngine(JShellEngineTest.class.getClassLoader(), RendererRegistry.withDefaults(), magics,
                new HashMap<>(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void lastExpressionOfAMultiSnippetCellIsTheResult() {
        CellResult result = engine.execute("int a = 20;\nint b = 22;\na + b", 1);

        assertTrue(result.ok());
        assertEquals("42", result.value().data().get("text/plain"));
    }

    @Test
    void onlyTheRecentUnnamedResultsStayDefined() {
        JShellEngine fresh = new JShellEngine(JShellEngineTest.class.getClassLoader(), RendererRegistry.withDefaults(),
                new MagicRegistry(), new HashMap<>(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        try {
            for (int i = 1; i <= JShellEngine.KEPT_TEMP_RESULTS + 5; i++) {
                assertTrue(fresh.execute(i + " * 2", i).ok());
            }

            CellResult recent = fresh.execute("$" + (JShellEngine.KEPT_TEMP_RESULTS + 5), 100);
            CellResult old = fresh.execute("$1", 101);

            assertEquals(String.valueOf(2 * (JShellEngine.KEPT_TEMP_RESULTS + 5)), recent.value().data().get("text/plain"));
            assertEquals("CompilationError", old.failure().ename());
        } finally {
            fresh.close();
        }
    }

    @Test
    void interruptEndsABlockingSocketReadAndTheSessionGoesOn() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "socket reads end on interrupt only on virtual threads (JDK 21+)");
        try (ServerSocket silent = new ServerSocket(0)) {
            assertTrue(engine.execute("int kept = 41;\nvar socket = new java.net.Socket(\"127.0.0.1\", "
                    + silent.getLocalPort() + ");", 10).ok());
            try (Socket peer = silent.accept()) {
                // one snippet: it tells the peer it is about to read, then waits for an answer that never comes
                CompletableFuture<CellResult> reading = CompletableFuture.supplyAsync(() -> engine.execute(
                        "{ socket.getOutputStream().write(1); socket.getInputStream().read(); }", 11));
                assertEquals(1, peer.getInputStream().read());
                engine.interrupt();

                CellResult result = reading.get(30, TimeUnit.SECONDS);

                assertEquals("InterruptedException", result.failure().ename());
            }
        }
        assertEquals("true", engine.execute("socket.isClosed()", 12).value().data().get("text/plain"));
        assertEquals("42", engine.execute("kept + 1", 13).value().data().get("text/plain"));
    }

    @Test
    void cellEndingInAStatementHasNoResult() {
        CellResult result = engine.execute("int c = 1;", 2);

        assertTrue(result.ok());
        assertNull(result.value());
    }

    @Test
    void richValuesUseTheirRenderer() throws Exception {
        engine.evalSetup("import static io.meridian.kernel.api.Notebook.*;");

        CellResult result = engine.execute("html(\"<p>x</p>\")", 3);

        assertEquals("<p>x</p>", result.value().data().get("text/html"));
    }

    @Test
    void compileErrorNamesCellLineAndColumn() {
        CellResult result = engine.execute("int ok = 1;\n\nString s = ok;", 4);

        assertEquals("CompilationError", result.failure().ename());
        assertTrue(result.failure().traceback().get(0).contains("cell line 3, column 12"),
                result.failure().traceback().toString());
    }

    @Test
    void runtimeTraceShowsCellLinesOnly() {
        CellResult result = engine.execute("int boom(String s) {\n  return s.length();\n}\n\nboom(null)", 5);

        assertEquals("java.lang.NullPointerException", result.failure().ename());
        String trace = String.join("\n", result.failure().traceback());
        assertTrue(trace.contains("at boom (line 2)") && trace.contains("at cell (line 5)"), trace);
        assertTrue(!trace.contains("jdk.jshell") && !trace.contains("reflect"), trace);
    }

    @Test
    void isCompleteTellsCompleteIncompleteAndInvalid() {
        assertEquals(new Completeness("complete", ""), engine.isComplete("int d = 1;\nd"));
        assertEquals(new Completeness("incomplete", "    "), engine.isComplete("if (true) {"));
        assertEquals("invalid", engine.isComplete("int e = ;").status());
    }

    @Test
    void completionCursorCountsCodePointsNotUtf16Units() {
        String code = "String t = \"\uD83D\uDE00\"; t.isBl";
        int cursor = code.codePointCount(0, code.length());

        Completion completion = engine.complete(code, cursor);

        assertTrue(completion.matches().contains("isBlank()"), completion.matches().toString());
        assertEquals(cursor - "isBl".length(), completion.start());
    }

    @Test
    void inspectWorksWithTheCursorAtTheEndOfAMethodName() {
        String doc = engine.inspect("Math.abs", 8, false);

        assertNotNull(doc);
        assertTrue(doc.contains("Math.abs(int"), doc);
    }
}
