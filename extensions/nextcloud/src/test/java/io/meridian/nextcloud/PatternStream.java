package io.meridian.nextcloud;

import java.io.InputStream;

/** {@code length} pseudo-random bytes generated on the fly (xorshift), never held in memory: large-transfer tests. */
public final class PatternStream extends InputStream {
    private long remaining;
    private long state;

    public PatternStream(long length, long seed) {
        this.remaining = length;
        this.state = seed * 0x9E3779B97F4A7C15L + 1;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (remaining <= 0) {
            return -1;
        }
        int n = (int) Math.min(len, remaining);
        for (int i = 0; i < n; i++) {
            if ((i & 7) == 0) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
            }
            b[off + i] = (byte) (state >>> ((i & 7) * 8));
        }
        remaining -= n;
        return n;
    }
}
