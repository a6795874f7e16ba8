package io.meridian.hub.storage;

import io.meridian.hub.web.ApiException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformRelayTest {
    @Test
    void aCopyRunsOnAPlatformThreadWhileTheVirtualCallerWaits() throws Exception {
        PlatformRelay relay = new PlatformRelay(2);
        List<Boolean> virtual = Collections.synchronizedList(new ArrayList<>());
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                relay.run(() -> virtual.add(Thread.currentThread().isVirtual()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        caller.join(5000);
        assertEquals(List.of(false), virtual);
    }

    @Test
    void failuresReachTheCallerAsTheyWere() {
        PlatformRelay relay = new PlatformRelay(1);
        IOException cut = new IOException("the upload broke off");
        assertSame(cut, assertThrows(IOException.class, () -> relay.run(() -> {
            throw cut;
        })));
        ApiException quota = new ApiException(413, "storage quota exceeded");
        assertSame(quota, assertThrows(ApiException.class, () -> relay.run(() -> {
            throw quota;
        })));
        // the failed copies gave their slot back
        List<Boolean> virtual = new ArrayList<>();
        assertDoesNotBlock(() -> relay.run(() -> virtual.add(Thread.currentThread().isVirtual())));
        assertEquals(List.of(false), virtual);
    }

    @Test
    void copiesBeyondTheLimitRunOnTheirCallersThread() throws Exception {
        PlatformRelay relay = new PlatformRelay(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stalled = Thread.ofVirtual().start(() -> {
            try {
                relay.run(() -> {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        Thread[] ranOn = new Thread[1];
        Thread caller = Thread.currentThread();
        relay.run(() -> ranOn[0] = Thread.currentThread());
        assertSame(caller, ranOn[0], "the one platform slot is taken, so the second copy ran where it was asked");
        release.countDown();
        stalled.join(5000);
        assertFalse(stalled.isAlive());
    }

    private static void assertDoesNotBlock(PlatformRelay.Copy copy) {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), copy::run);
    }
}
