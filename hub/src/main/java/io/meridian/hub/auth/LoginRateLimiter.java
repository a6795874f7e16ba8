package io.meridian.hub.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins per user name and client address in a sliding window; past the limit, logins
 * for that pair are refused (429) until the oldest failure leaves the window.
 */
public final class LoginRateLimiter {
    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final ConcurrentHashMap<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public LoginRateLimiter(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /** Seconds until the next attempt is allowed; 0 when allowed now. */
    public long retryAfterSeconds(String user, String address) {
        Deque<Instant> list = failures.get(key(user, address));
        if (list == null) {
            return 0;
        }
        synchronized (list) {
            Instant now = clock.instant();
            while (!list.isEmpty() && list.peekFirst().isBefore(now.minus(window))) {
                list.pollFirst();
            }
            if (list.size() < maxFailures) {
                return 0;
            }
            return Math.max(1, Duration.between(now, list.peekFirst().plus(window)).toSeconds() + 1);
        }
    }

    public void failed(String user, String address) {
        Deque<Instant> list = failures.computeIfAbsent(key(user, address), k -> new ArrayDeque<>());
        synchronized (list) {
            list.addLast(clock.instant());
            while (list.size() > maxFailures) {
                list.pollFirst();
            }
        }
    }

    public void succeeded(String user, String address) {
        failures.remove(key(user, address));
    }

    private static String key(String user, String address) {
        return user + "\n" + address;
    }
}
