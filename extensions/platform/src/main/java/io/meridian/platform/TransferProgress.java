package io.meridian.platform;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar for one upload or download in the notebook, updated in place at most every
 * {@value #UPDATE_EVERY_MS} ms and replaced by a one-line summary at the end. Files under
 * {@link #SHOWN_FROM} bytes move without one (they take a moment; the call's result says enough).
 */
final class TransferProgress {
    static final long SHOWN_FROM = 8L * 1024 * 1024;
    private static final long UPDATE_EVERY_MS = 250;

    private final String verb;
    private final String what;
    private final long total;
    private final LongSupplier clockNanos;
    private final long startNanos;
    private LiveDisplay display;
    private long lastUpdateNanos;
    private long done;

    /**
     * @param verb  "uploading" or "downloading"
     * @param what  what moves where, e.g. "data.csv → /data/data.csv"
     * @param total the byte count, or -1 when unknown
     */
    TransferProgress(String verb, String what, long total, LongSupplier clockNanos) {
        this.verb = verb;
        this.what = what;
        this.total = total;
        this.clockNanos = clockNanos;
        this.startNanos = clockNanos.getAsLong();
        this.lastUpdateNanos = startNanos;
        if (total >= SHOWN_FROM) {
            display = LiveDisplay.show(bar());
        }
    }

    static TransferProgress start(String verb, String what, long total) {
        return new TransferProgress(verb, what, total, System::nanoTime);
    }

    /** {@code n} more bytes have moved. */
    void add(long n) {
        done += n;
        long now = clockNanos.getAsLong();
        if (display != null && now - lastUpdateNanos >= UPDATE_EVERY_MS * 1_000_000) {
            lastUpdateNanos = now;
            display.update(bar());
        }
    }

    void finished() {
        if (display != null) {
            display.update(summary());
        }
    }

    void failed(String message) {
        if (display != null) {
            display.update("<div style=\"font-family:monospace\">" + Renderings.esc(verb + " " + what) + " <span style=\"color:#b00\">failed after "
                    + Renderings.humanSize(done) + ": " + Renderings.esc(message) + "</span></div>");
        }
    }

    String bar() {
        int percent = total > 0 ? (int) Math.min(100, done * 100 / total) : 0;
        return "<div style=\"font-family:monospace\">" + Renderings.esc(verb + " " + what) + " "
                + Renderings.humanSize(done) + (total >= 0 ? " of " + Renderings.humanSize(total) + " (" + percent + "%)" : "")
                + rate() + "<div style=\"width:30em;border:1px solid #888;height:0.9em\"><div style=\"width:" + percent
                + "%;height:100%;background:#4a8\"></div></div></div>";
    }

    String summary() {
        double seconds = Math.max(1e-9, (clockNanos.getAsLong() - startNanos) / 1e9);
        String past = verb.equals("uploading") ? "uploaded" : "downloaded";
        return "<div style=\"font-family:monospace\">" + past + " " + Renderings.esc(what) + ": " + Renderings.humanSize(done)
                + String.format(Locale.ROOT, " in %.1f s", seconds) + rate() + "</div>";
    }

    private String rate() {
        double seconds = (clockNanos.getAsLong() - startNanos) / 1e9;
        if (seconds <= 0 || done == 0) {
            return "";
        }
        return ", " + Renderings.humanSize((long) (done / seconds)) + "/s";
    }
}
