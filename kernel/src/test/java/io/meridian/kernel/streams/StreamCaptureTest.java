package io.meridian.kernel.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamCaptureTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<String> sent = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void multiByteCharacterSplitAcrossWritesIsSentWhole() {
        StreamCapture capture = new StreamCapture("stdout", (name, text) -> sent.add(text), timer, 1 << 20);
        byte[] smiley = "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);

        capture.write(smiley, 0, 2);
        capture.flushNow();
        capture.write(smiley, 2, 2);
        capture.flushNow();

        assertEquals("\uD83D\uDE00", String.join("", sent));
    }

    @Test
    void outputBeyondTheCellLimitIsCutWithOneNote() {
        StreamCapture capture = new StreamCapture("stdout", (name, text) -> sent.add(text), timer, 1000);
        byte[] line = "0123456789\n".getBytes(StandardCharsets.UTF_8);

        for (int i = 0; i < 500; i++) {
            capture.write(line, 0, line.length);
        }
        capture.flushNow();
        String all = String.join("", sent);

        assertTrue(all.contains("[Output truncated"), all);
        assertEquals(1000, all.substring(0, all.indexOf("\n[Output truncated")).length());
        capture.startCell();
        capture.write(line, 0, line.length);
        capture.flushNow();
        assertEquals("0123456789\n", sent.get(sent.size() - 1));
    }

    @Test
    void textIsSentWithoutAnExplicitFlushShortlyAfterItIsWritten() throws InterruptedException {
        StreamCapture capture = new StreamCapture("stdout", (name, text) -> sent.add(text), timer, 1 << 20);
        byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);

        capture.write(hello, 0, hello.length);
        for (int i = 0; i < 100 && sent.isEmpty(); i++) {
            Thread.sleep(10);
        }

        assertEquals(List.of("hello\n"), sent);
    }
}
