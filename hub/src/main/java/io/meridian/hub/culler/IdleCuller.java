package io.meridian.hub.culler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stops servers nobody has used for a while. A server is idle when the newest of the hub's activity (proxy
 * traffic), the server's own {@code last_activity} and every kernel's {@code last_activity} is older than the
 * timeout, and no kernel is busy — a long computation keeps its server alive however quiet it is. A server that
 * does not answer is judged on the hub's activity alone. Named servers are culled like default ones.
 */
public final class IdleCuller implements AutoCloseable {
    private static final Logger LOG = System.getLogger(IdleCuller.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

    private final CullTargets targets;
    private final Duration timeout;
    private final Duration interval;
    private final Clock clock;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;

    public IdleCuller(CullTargets targets, Duration timeout, Duration interval) {
        this(targets, timeout, interval, Clock.systemUTC());
    }

    IdleCuller(CullTargets targets, Duration timeout, Duration interval, Clock clock) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("culler timeout must be positive: " + timeout);
        }
        if (interval == null || interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("culler interval must be positive: " + interval);
        }
        this.targets = targets;
        this.timeout = timeout;
        this.interval = interval;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("idle-culler").factory());
    }

    /** Runs a round every interval until {@link #close()}. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::roundSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "idle culler: stopping servers idle for " + timeout + ", checking every " + interval);
    }

    /** One round: looks at every running server and stops the idle ones. Returns what it decided, for the record. */
    public List<Verdict> cullOnce() {
        List<Verdict> verdicts = new ArrayList<>();
        for (CullTargets.RunningServer server : targets.running()) {
            Verdict verdict = judge(server);
            verdicts.add(verdict);
            if (verdict.idle()) {
                LOG.log(Level.INFO, "culling " + label(server) + ": " + verdict.reason());
                targets.stopIdle(server.user(), server.server());
            } else {
                LOG.log(Level.DEBUG, "keeping " + label(server) + ": " + verdict.reason());
            }
        }
        return verdicts;
    }

    Verdict judge(CullTargets.RunningServer server) {
        Instant now = clock.instant();
        Instant newest = server.lastActivity() == null ? Instant.EPOCH : server.lastActivity();
        Optional<JsonNode> status = query(server, "api/status");
        Optional<JsonNode> kernels = query(server, "api/kernels?no_track_activity=1");
        if (status.isEmpty() || kernels.isEmpty()) {
            boolean idle = Duration.between(newest, now).compareTo(timeout) > 0;
            return new Verdict(server.user(), server.server(), idle,
                    "server not answering; hub activity " + describe(newest, now));
        }
        newest = later(newest, time(status.get().path("last_activity")));
        int busy = 0;
        for (JsonNode kernel : kernels.get()) {
            newest = later(newest, time(kernel.path("last_activity")));
            // Jupyter Server shows "starting" until its own IOPub watcher hears from the kernel, and now and then
            // it never does: such a kernel may be computing, so it never counts as idle.
            String state = kernel.path("execution_state").asText();
            if ("busy".equals(state) || "starting".equals(state)) {
                busy++;
            }
        }
        if (busy > 0) {
            return new Verdict(server.user(), server.server(), false, busy + " kernel(s) busy");
        }
        boolean idle = Duration.between(newest, now).compareTo(timeout) > 0;
        return new Verdict(server.user(), server.server(), idle, "last activity " + describe(newest, now)
                + ", " + kernels.get().size() + " kernel(s), none busy");
    }

    private Optional<JsonNode> query(CullTargets.RunningServer server, String path) {
        URI uri = URI.create(stripSlash(server.upstream().toString()) + server.baseUrl() + path);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(QUERY_TIMEOUT)
                .header("Authorization", "token " + server.serverToken())
                .GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                LOG.log(Level.WARNING, label(server) + " answered " + response.statusCode() + " to " + path);
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, label(server) + " did not answer " + path + ": " + e);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private void roundSafely() {
        try {
            cullOnce();
        } catch (RuntimeException e) {
            // one failed round must not end the schedule
            LOG.log(Level.WARNING, "idle culler round failed", e);
        }
    }

    private static Instant time(JsonNode node) {
        if (!node.isTextual()) {
            return Instant.EPOCH;
        }
        try {
            return OffsetDateTime.parse(node.asText()).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String describe(Instant when, Instant now) {
        return when.equals(Instant.EPOCH) ? "never" : Duration.between(when, now).toSeconds() + " s ago";
    }

    private static String label(CullTargets.RunningServer server) {
        return server.user() + "/" + server.server();
    }

    private static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        http.close();
    }

    /** What the culler decided about one server, and why. */
    public record Verdict(String user, String server, boolean idle, String reason) {
    }
}
