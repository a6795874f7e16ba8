package io.meridian.kernel.streams;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Captures System.out or System.err and sends it as stream messages while the cell runs: text is
 * batched for a few milliseconds (a loop of println is not one message per line), sent at once when
 * the batch grows large, and cut with a note when a cell writes more than its limit.
 */
public final class StreamCapture extends OutputStream {

    /** Receives decoded text to publish as a stream message. */
    @FunctionalInterface
    public interface Sink {
        void publish(String streamName, String text);
    }

    private static final int BATCH_BYTES = 64 * 1024;
    private static final long BATCH_MILLIS = 15;

    private final String name;
    private final Sink sink;
    private final ScheduledExecutorService timer;
    private final long limitBytes;
    private byte[] buffer = new byte[8192];
    private int length;
    private long cellBytes;
    private boolean truncated;
    private boolean scheduled;

    public StreamCapture(String name, Sink sink, ScheduledExecutorService timer, long limitBytes) {
        this.name = name;
        this.sink = sink;
        this.timer = timer;
        this.limitBytes = limitBytes;
    }

    /** Resets the per-cell output limit. */
    public synchronized void startCell() {
        cellBytes = 0;
        truncated = false;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int count) {
        if (truncated || count <= 0) {
            return;
        }
        int accepted = (int) Math.min(count, limitBytes - cellBytes);
        append(bytes, offset, accepted);
        cellBytes += accepted;
        if (accepted < count) {
            truncated = true;
            String text = drain(true);
            sink.publish(name, text + "\n[Output truncated: this cell wrote more than " + limitBytes / 1024
                    + " KiB to " + name + "; the rest is not shown.]\n");
        } else if (length >= BATCH_BYTES) {
            sendPending();
        } else if (!scheduled) {
            scheduled = true;
            timer.schedule(this::flushNow, BATCH_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends what is buffered now; called at the end of a cell and before other outputs keep their order. */
    public synchronized void flushNow() {
        scheduled = false;
        sendPending();
    }

    private void sendPending() {
        String text = drain(false);
        if (!text.isEmpty()) {
            sink.publish(name, text);
        }
    }

    private void append(byte[] bytes, int offset, int count) {
        if (length + count > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + count));
        }
        System.arraycopy(bytes, offset, buffer, length, count);
        length += count;
    }

    /** Decodes the buffered bytes, keeping an incomplete UTF-8 sequence at the end for the next write. */
    private String drain(boolean all) {
        int complete = all ? length : completeUtf8Prefix();
        String text = new String(buffer, 0, complete, StandardCharsets.UTF_8);
        System.arraycopy(buffer, complete, buffer, 0, length - complete);
        length -= complete;
        if (buffer.length > BATCH_BYTES * 2 && length < 8192) {
            buffer = Arrays.copyOf(buffer, 8192);
        }
        return text;
    }

    private int completeUtf8Prefix() {
        for (int back = 1; back <= Math.min(3, length); back++) {
            int b = buffer[length - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: look further back for the lead byte
            }
            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? length - back : length;
        }
        return length;
    }
}
