package io.meridian.hub.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Passes at most one activity record per server per interval on to the gate, so busy servers cost no extra writes. */
final class ActivityThrottle {
    private final ProxyGate gate;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Instant> lastRecorded = new ConcurrentHashMap<>();

    ActivityThrottle(ProxyGate gate, Duration interval, Clock clock) {
        this.gate = gate;
        this.interval = interval;
        this.clock = clock;
    }

    void touch(String user, String server) {
        Instant now = clock.instant();
        String key = user + "/" + server;
        Instant previous = lastRecorded.get(key);
        if (previous != null && Duration.between(previous, now).compareTo(interval) < 0) {
            return;
        }
        // only the thread that wins the swap records, so concurrent requests do not all hit the gate
        boolean won = previous == null ? lastRecorded.putIfAbsent(key, now) == null
                : lastRecorded.replace(key, previous, now);
        if (won) {
            gate.recordActivity(user, server, now);
        }
    }
}
