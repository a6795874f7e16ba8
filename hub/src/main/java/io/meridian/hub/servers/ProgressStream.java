package io.meridian.hub.servers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The progress events of one spawn, kept whole so that a subscriber arriving late still sees
 * every step; the last event is always {@code ready} or {@code failed}.
 */
public final class ProgressStream {
    private final List<Map<String, Object>> events = new ArrayList<>();
    private boolean finished;

    public synchronized void publish(Map<String, Object> event) {
        if (finished) {
            return;
        }
        events.add(event);
        notifyAll();
    }

    public synchronized void finish(Map<String, Object> event) {
        if (finished) {
            return;
        }
        events.add(event);
        finished = true;
        notifyAll();
    }

    /**
     * The event at {@code index}, waiting up to {@code timeout} for it; null when none came in
     * time (send a keepalive) or the stream ended before it (check {@link #endsBefore}).
     */
    public synchronized Map<String, Object> await(int index, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (index >= events.size() && !finished) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return index < events.size() ? events.get(index) : null;
    }

    public synchronized boolean endsBefore(int index) {
        return finished && index >= events.size();
    }

    public synchronized List<Map<String, Object>> snapshot() {
        return List.copyOf(events);
    }
}
