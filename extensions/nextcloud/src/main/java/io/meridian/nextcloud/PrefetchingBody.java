package io.meridian.nextcloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A response body as an {@link InputStream} that asks the HTTP client for up to {@link #AHEAD} buffers
 * ahead of the reader. The JDK's own {@code BodyHandlers.ofInputStream()} asks for one buffer at a time, so
 * its socket reads stop whenever the reader is busy and every 16 KiB waits on a thread hand-off. Here the
 * client keeps reading while the reader writes, and one read hands over every buffer already here. Memory
 * stays bounded: at most {@code AHEAD} buffers (the client's 16 KiB each) are requested and not yet read.
 */
public final class PrefetchingBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
    static final int AHEAD = 64;
    private static final Object END = new Object();

    private PrefetchingBody() {
    }

    /** The body handler for a large download read as a stream. */
    public static HttpResponse.BodyHandler<InputStream> handler() {
        return info -> new PrefetchingBody();
    }

    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> pending = Collections.emptyIterator();
    private ByteBuffer current;
    private int takenSinceRequest;
    private boolean ended;
    private volatile boolean closed;

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(AHEAD);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        arrived.add(buffers);
    }

    @Override
    public void onError(Throwable error) {
        arrived.add(error);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("the download was closed");
        }
        if (length == 0) {
            return 0;
        }
        if (!nextBytes(true)) {
            return -1;
        }
        // fill the caller's array from every buffer already here: fewer, larger writes downstream
        int n = 0;
        do {
            int part = Math.min(length - n, current.remaining());
            current.get(into, offset + n, part);
            n += part;
        } while (n < length && nextBytes(false));
        return n;
    }

    @Override
    public int available() {
        ByteBuffer now = current;
        return now == null ? 0 : now.remaining();
    }

    /** Ends the exchange early: the client stops reading and drops the connection. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (!ended && subscription != null) {
                subscription.cancel();
            }
            arrived.clear();
            // wakes a reader blocked on another thread, which then sees the stream closed
            arrived.add(END);
        }
    }

    /**
     * True with {@code current} holding unread bytes; false at the end of the body, or when {@code wait} is
     * false and nothing has arrived yet.
     */
    @SuppressWarnings("unchecked")
    private boolean nextBytes(boolean wait) throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (pending.hasNext()) {
                current = pending.next();
                continue;
            }
            if (ended) {
                return false;
            }
            if (closed) {
                throw new IOException("the download was closed");
            }
            Object next;
            if (!wait) {
                next = arrived.peek();
                if (!(next instanceof List)) {
                    // nothing yet, or the end or a failure: the next read reports those
                    return false;
                }
                arrived.remove();
            } else {
                try {
                    next = arrived.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the WebDAV server");
                }
            }
            if (closed) {
                throw new IOException("the download was closed");
            }
            if (next == END) {
                ended = true;
                return false;
            }
            if (next instanceof Throwable error) {
                ended = true;
                throw error instanceof IOException io ? io
                        : new IOException("the download broke off: " + error.getMessage(), error);
            }
            pending = ((List<ByteBuffer>) next).iterator();
            askForMore();
        }
        return true;
    }

    /** Keeps between AHEAD/2 and AHEAD buffers requested, in batches, so requests stay rare. */
    private synchronized void askForMore() {
        if (++takenSinceRequest == AHEAD / 2 && !closed) {
            takenSinceRequest = 0;
            subscription.request(AHEAD / 2);
        }
    }
}
