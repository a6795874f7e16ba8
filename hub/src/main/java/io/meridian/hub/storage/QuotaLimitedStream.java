package io.meridian.hub.storage;

import io.meridian.hub.web.ApiException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * An upload of unknown length that fails as soon as it passes the room left in the user's quota. The failure
 * is an {@link ApiException}, so the backend's atomic write drops the partial file and the caller gets the 413.
 */
final class QuotaLimitedStream extends FilterInputStream {
    private final Supplier<ApiException> exceeded;
    private long room;

    QuotaLimitedStream(InputStream in, long room, Supplier<ApiException> exceeded) {
        super(in);
        this.room = room;
        this.exceeded = exceeded;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        int n = super.read(into, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("an upload is read, not skipped");
    }

    private void count(int n) {
        room -= n;
        if (room < 0) {
            throw exceeded.get();
        }
    }
}
