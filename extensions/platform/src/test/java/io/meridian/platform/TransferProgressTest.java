package io.meridian.platform;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransferProgressTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void theBarShowsBytesOfTheTotalPercentAndRate() {
        TransferProgress progress = new TransferProgress("uploading", "big.csv → /data/big.csv", 100L * 1024 * 1024, clock::get);
        clock.addAndGet(2_000_000_000L);
        progress.add(25L * 1024 * 1024);
        String bar = LiveDisplay.text(progress.bar());
        assertEquals("uploading big.csv → /data/big.csv 25 MiB of 100 MiB (25%), 13 MiB/s", bar);
        assertTrue(progress.bar().contains("width:25%"), progress.bar());
    }

    @Test
    void theSummarySaysWhatMovedHowMuchAndHowFast() {
        TransferProgress progress = new TransferProgress("downloading", "/x.bin → x.bin", 64L * 1024 * 1024, clock::get);
        progress.add(64L * 1024 * 1024);
        clock.addAndGet(500_000_000L);
        assertEquals("downloaded /x.bin → x.bin: 64 MiB in 0.5 s, 128 MiB/s", LiveDisplay.text(progress.summary()));
    }

    @Test
    void anUnknownTotalShowsBytesOnlyAndNamesAreEscaped() {
        TransferProgress progress = new TransferProgress("uploading", "<b>x</b>", -1, clock::get);
        progress.add(2048);
        assertFalse(progress.bar().contains("<b>"), progress.bar());
        assertTrue(LiveDisplay.text(progress.bar()).startsWith("uploading &lt;b&gt;x&lt;/b&gt; 2.0 KiB"), progress.bar());
        assertFalse(LiveDisplay.text(progress.bar()).contains("%"));
    }
}
