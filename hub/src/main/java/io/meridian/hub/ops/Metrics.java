package io.meridian.hub.ops;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** The hub's Prometheus metrics, written in the text exposition format without a client library. */
public final class Metrics {
    private static final double[] SPAWN_BUCKETS = {0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600};

    private final ConcurrentHashMap<String, LongAdder> httpRequests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Histogram> spawnDurations = new ConcurrentHashMap<>();
    private final Supplier<Map<String, Long>> serversByState;

    public Metrics(Supplier<Map<String, Long>> serversByState) {
        this.serversByState = serversByState;
    }

    public void httpRequest(String method, int status) {
        httpRequests.computeIfAbsent("method=\"" + method + "\",code=\"" + status + "\"", k -> new LongAdder()).increment();
    }

    /** A finished spawn: {@code outcome} is success or failure. */
    public void spawnFinished(String outcome, Duration duration) {
        spawnDurations.computeIfAbsent(outcome, k -> new Histogram()).observe(duration.toNanos() / 1e9);
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP meridian_servers Servers by lifecycle state.\n# TYPE meridian_servers gauge\n");
        serversByState.get().forEach((state, count) ->
                out.append("meridian_servers{state=\"").append(state).append("\"} ").append(count).append('\n'));
        out.append("# HELP meridian_spawn_duration_seconds Time from spawn request to ready or failure.\n")
                .append("# TYPE meridian_spawn_duration_seconds histogram\n");
        for (String outcome : new String[]{"success", "failure"}) {
            spawnDurations.computeIfAbsent(outcome, k -> new Histogram()).render(out, outcome);
        }
        out.append("# HELP meridian_http_requests_total HTTP requests answered, by method and status.\n")
                .append("# TYPE meridian_http_requests_total counter\n");
        new TreeMap<>(httpRequests).forEach((labels, count) ->
                out.append("meridian_http_requests_total{").append(labels).append("} ").append(count.sum()).append('\n'));
        return out.toString();
    }

    private static final class Histogram {
        private final long[] counts = new long[SPAWN_BUCKETS.length];
        private long total;
        private double sum;

        synchronized void observe(double seconds) {
            for (int i = 0; i < SPAWN_BUCKETS.length; i++) {
                if (seconds <= SPAWN_BUCKETS[i]) {
                    counts[i]++;
                }
            }
            total++;
            sum += seconds;
        }

        synchronized void render(StringBuilder out, String outcome) {
            String name = "meridian_spawn_duration_seconds";
            for (int i = 0; i < SPAWN_BUCKETS.length; i++) {
                out.append(name).append("_bucket{outcome=\"").append(outcome).append("\",le=\"")
                        .append(SPAWN_BUCKETS[i]).append("\"} ").append(counts[i]).append('\n');
            }
            out.append(name).append("_bucket{outcome=\"").append(outcome).append("\",le=\"+Inf\"} ").append(total).append('\n');
            out.append(name).append("_sum{outcome=\"").append(outcome).append("\"} ").append(sum).append('\n');
            out.append(name).append("_count{outcome=\"").append(outcome).append("\"} ").append(total).append('\n');
        }
    }
}
