package io.meridian.hub.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Runs a long blocking copy (a file relayed between a client and a storage server) on a platform thread
 * while the request's virtual thread waits for it.
 * <p>
 * On a virtual thread, every socket read or write that cannot complete at once parks the thread, registers
 * the socket with the JDK's poller and later hands the thread back to a carrier. A relay meets that on nearly
 * every buffer, and the hand-offs cost the hub about a fifth of its CPU per relayed byte and as much of the
 * throughput (docs/performance.md, "Storage"). A platform thread simply blocks in the kernel.
 * <p>
 * At most {@code limit} copies run this way at once; further ones run on the caller's thread as before, so
 * clients that stall their transfers can hold no more than {@code limit} platform threads.
 */
final class PlatformRelay {
    /** A copy that may fail with an I/O error; runtime exceptions (a quota refusal) pass through unchanged. */
    interface Copy {
        void run() throws IOException;
    }

    private final Semaphore slots;
    private final ExecutorService threads = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("storage-relay-", 1).daemon().factory());

    PlatformRelay(int limit) {
        this.slots = new Semaphore(limit);
    }

    void run(Copy copy) throws IOException {
        if (!slots.tryAcquire()) {
            copy.run();
            return;
        }
        Future<Void> done;
        try {
            done = threads.submit(() -> {
                try {
                    copy.run();
                    return null;
                } finally {
                    slots.release();
                }
            });
        } catch (RejectedExecutionException e) {
            slots.release();
            copy.run();
            return;
        }
        try {
            done.get();
        } catch (InterruptedException e) {
            // the sockets' own timeouts and the closing response end the copy itself
            done.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the transfer was interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new UncheckedIOException(new IOException(cause));
        }
    }
}
