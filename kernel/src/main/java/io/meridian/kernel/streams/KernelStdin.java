package io.meridian.kernel.streams;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** System.in for cells: each read past the buffered line asks the frontend for the next line. */
public final class KernelStdin extends InputStream {

    private final Function<String, String> readLine;
    private byte[] line = new byte[0];
    private int position;

    /** @param readLine asks the frontend for a line with the given prompt; throws when stdin is not allowed */
    public KernelStdin(Function<String, String> readLine) {
        this.readLine = readLine;
    }

    @Override
    public synchronized int read() {
        if (!fill()) {
            return -1;
        }
        return line[position++] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] target, int offset, int count) {
        if (count == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(count, line.length - position);
        System.arraycopy(line, position, target, offset, n);
        position += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return line.length - position;
    }

    private boolean fill() {
        if (position < line.length) {
            return true;
        }
        String value = readLine.apply("");
        if (value == null) {
            return false;
        }
        line = (value + "\n").getBytes(StandardCharsets.UTF_8);
        position = 0;
        return true;
    }
}
