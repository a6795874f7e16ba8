package io.meridian.hub.servers;

import io.meridian.hub.auth.Secrets;
import io.meridian.hub.auth.TokenStore;
import io.meridian.hub.config.HubConfig.SpawnConfig;
import io.meridian.hub.ops.Metrics;
import io.meridian.hub.users.User;
import io.meridian.hub.web.ApiException;
import io.meridian.spawner.Mount;
import io.meridian.spawner.ProgressEvent;
import io.meridian.spawner.SpawnException;
import io.meridian.spawner.SpawnRequest;
import io.meridian.spawner.SpawnedServer;
import io.meridian.spawner.Spawner;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts, stops, watches and re-adopts servers. Every transition is written to the database
 * first ({@link ServerStore}); in memory live only what cannot be persisted: spawn progress
 * streams and the decrypted tokens of ready servers, which the proxy asks for on every request.
 */
public final class ServerLifecycle implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServerLifecycle.class.getName());

    private final SpawnConfig config;
    private final Spawner spawner;
    private final ServerStore servers;
    private final TokenStore tokens;
    private final SecretBox secrets;
    private final Metrics metrics;
    private final String hubApiUrl;
    private final Map<String, String> serverEnvironment;
    private final ServerOptionsPolicy optionsPolicy;
    private final StartPolicy startPolicy;
    // held from the start policy's quota check until the server is marked pending, so starts cannot overtake a quota
    private final Object admission = new Object();
    private final AtomicInteger pendingSpawns = new AtomicInteger();
    private final Map<Long, ProgressStream> streams = new ConcurrentHashMap<>();
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<Long, Spawning> spawning = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean closed;

    /** A ready server as the proxy needs it. */
    public record Running(long serverId, URI upstream, String serverToken) {
    }

    /**
     * A start in progress. Cancelling interrupts only the thread inside the spawner (never one
     * talking to the database); the spawner then removes what it had started.
     */
    private static final class Spawning {
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        volatile boolean cancelled;
        volatile Thread worker;

        void cancel() {
            cancelled = true;
            Thread w = worker;
            if (w != null) {
                w.interrupt();
            }
        }
    }

    /** How a start or stop request ended within the answer time: done, or still pending (202). */
    public enum Outcome { DONE, PENDING }

    /**
     * @param serverEnvironment environment every server gets besides its own MERIDIAN_* variables
     *                          (e.g. MERIDIAN_KERNEL_EXTENSIONS)
     * @param optionsPolicy     checks user options before a start and adds the hub's own
     * @param startPolicy       decides options, mounts and quotas of starts (course servers)
     */
    public ServerLifecycle(SpawnConfig config, Spawner spawner, ServerStore servers, TokenStore tokens,
                           SecretBox secrets, Metrics metrics, String hubApiUrl, Map<String, String> serverEnvironment,
                           ServerOptionsPolicy optionsPolicy, StartPolicy startPolicy) {
        this.config = config;
        this.spawner = spawner;
        this.servers = servers;
        this.tokens = tokens;
        this.secrets = secrets;
        this.metrics = metrics;
        this.hubApiUrl = hubApiUrl;
        this.serverEnvironment = Map.copyOf(serverEnvironment);
        this.optionsPolicy = optionsPolicy;
        this.startPolicy = startPolicy;
        this.poller = Thread.ofVirtual().name("server-poller").unstarted(this::pollLoop);
    }

    public String spawnerKind() {
        return spawner.kind();
    }

    /**
     * Re-adopts what the database says is running (alive servers keep URL and token; dead ones are
     * marked stopped), cleans up transitions a previous hub left half done, then starts polling.
     */
    public void recoverAndWatch() {
        for (ServerRow row : servers.inState(ServerState.READY)) {
            if (spawner.poll(row.spawnerState()).running()) {
                running.put(key(row.user(), row.name()), new Running(row.id(), row.upstream(), secrets.decrypt(row.serverToken())));
                LOG.log(Level.INFO, "re-adopted server " + row.baseUrl() + " at " + row.upstream());
            } else {
                stopped(row, "server was no longer running when the hub restarted");
            }
        }
        for (ServerRow row : servers.inState(ServerState.PENDING_SPAWN, ServerState.PENDING_STOP)) {
            stopQuietly(row);
            stopped(row, "the hub restarted while the server was " + (row.state() == ServerState.PENDING_SPAWN ? "starting" : "stopping"));
        }
        poller.start();
    }

    /** The running server of user/server for the proxy, if ready. */
    public Optional<Running> running(String user, String server) {
        return Optional.ofNullable(running.get(key(user, server)));
    }

    /** The options the spawner would get for {@code userOptions}; a 400 when they cannot be honoured. */
    public Map<String, Object> admit(User user, Map<String, Object> userOptions) {
        return optionsPolicy.admit(user, userOptions);
    }

    public Optional<ProgressStream> progress(long serverId) {
        return Optional.ofNullable(streams.get(serverId));
    }

    /**
     * Starts a server; answers DONE when it became ready within the answer time, PENDING when it
     * is still starting (progress on the stream). A spawn that fails that quickly is a 500 with its message.
     *
     * @param userOptions null to reuse the options of the previous start
     */
    public Outcome start(User user, ServerRow row, Map<String, Object> userOptions) {
        switch (row.state()) {
            case READY -> throw ApiException.badRequest("server " + row.baseUrl() + " is already running");
            case PENDING_SPAWN -> throw ApiException.badRequest("server " + row.baseUrl() + " is already starting");
            case PENDING_STOP -> throw ApiException.badRequest("server " + row.baseUrl() + " is stopping; start it again once it has stopped");
            default -> {
            }
        }
        Instant begun = Instant.now();
        StartPolicy.Plan plan;
        Map<String, Object> spawnOptions;
        synchronized (admission) {
            plan = startPolicy.plan(user, row.name(), userOptions == null ? row.userOptions() : userOptions);
            // the user's options are persisted; what the hub adds (groups) is recomputed at every start
            spawnOptions = optionsPolicy.admit(user, plan.userOptions());
            if (pendingSpawns.incrementAndGet() > config.concurrentLimit()) {
                pendingSpawns.decrementAndGet();
                throw ApiException.tooManyRequests("too many servers are starting right now (limit "
                        + config.concurrentLimit() + "); try again shortly", 10);
            }
            if (!servers.beginSpawn(row.id(), plan.userOptions(), begun)) {
                pendingSpawns.decrementAndGet();
                throw ApiException.conflict("server " + row.baseUrl() + " changed state meanwhile; reload and try again");
            }
        }
        ProgressStream stream = new ProgressStream();
        streams.put(row.id(), stream);
        stream.publish(event(0, "Server requested", Map.of()));
        Spawning start = new Spawning();
        CompletableFuture<Boolean> done = start.done;
        spawning.put(row.id(), start);
        Thread.ofVirtual().name("spawn-" + user.name() + "-" + row.name())
                .start(() -> spawn(user, row, spawnOptions, plan.mounts(), stream, begun, start));
        return answerWithin(done.thenApply(ready -> {
            if (!ready) {
                throw new ApiException(500, lastMessage(stream));
            }
            return null;
        }));
    }

    /**
     * Stops a server (and removes its row and data when {@code remove}); DONE when it stopped
     * within the answer time.
     */
    public Outcome stop(ServerRow row, boolean remove) {
        switch (row.state()) {
            case PENDING_SPAWN -> {
                return cancelSpawn(row, remove);
            }
            case PENDING_STOP -> {
                return Outcome.PENDING;
            }
            case STOPPED -> {
                if (remove) {
                    removeStopped(row);
                }
                return Outcome.DONE;
            }
            default -> {
            }
        }
        if (!servers.beginStop(row.id())) {
            throw ApiException.conflict("server " + row.baseUrl() + " changed state meanwhile; reload and try again");
        }
        running.remove(key(row.user(), row.name()));
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name("stop-" + row.user() + "-" + row.name()).start(() -> {
            try {
                spawner.stop(row.spawnerState(), false);
                stopped(row, null);
            } catch (SpawnException | RuntimeException e) {
                LOG.log(Level.WARNING, "stopping " + row.baseUrl() + " failed: " + e.getMessage());
                stopped(row, "stop failed: " + e.getMessage());
            } finally {
                if (remove) {
                    servers.byId(row.id()).ifPresent(this::removeStopped);
                }
                done.complete(null);
            }
        });
        return answerWithin(done);
    }

    // Stopping a server that is still starting cancels the start; the spawner cleans up what it began.
    private Outcome cancelSpawn(ServerRow row, boolean remove) {
        Spawning start = spawning.get(row.id());
        if (start == null) {
            throw ApiException.conflict("server " + row.baseUrl() + " changed state meanwhile; reload and try again");
        }
        start.cancel();
        // If the server became ready just before the cancel arrived, it is stopped like any ready server.
        CompletableFuture<Void> stopped = start.done.thenAcceptAsync(ready -> servers.byId(row.id()).ifPresent(now -> {
            try {
                if (ready) {
                    stop(now, remove);
                } else if (remove) {
                    removeStopped(now);
                }
            } catch (ApiException e) {
                LOG.log(Level.INFO, "after cancelling " + row.baseUrl() + ": " + e.getMessage());
            }
        }), task -> Thread.ofVirtual().start(task));
        return answerWithin(stopped);
    }

    /**
     * DONE when {@code work} finishes within the configured answer time, PENDING when it is still going
     * (the client follows the progress stream); an ApiException thrown by the work reaches the client.
     */
    private Outcome answerWithin(CompletableFuture<?> work) {
        try {
            work.get(config.answerWithin().toMillis(), TimeUnit.MILLISECONDS);
            return Outcome.DONE;
        } catch (TimeoutException e) {
            return Outcome.PENDING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.PENDING;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Polls every ready server once; those that died are marked stopped. */
    public void pollOnce() {
        for (ServerRow row : servers.inState(ServerState.READY)) {
            var status = spawner.poll(row.spawnerState());
            if (!status.running()) {
                LOG.log(Level.INFO, "server " + row.baseUrl() + " is gone: " + status.detail());
                running.remove(key(row.user(), row.name()));
                stopped(row, "server stopped by itself: " + status.detail());
            }
        }
    }

    private void spawn(User user, ServerRow row, Map<String, Object> options, List<Mount> mounts, ProgressStream stream,
                       Instant begun, Spawning start) {
        CompletableFuture<Boolean> done = start.done;
        TokenStore.Issued apiToken = null;
        try {
            apiToken = tokens.issue(user.id(), List.of("self"), "server " + row.baseUrl(), null);
            servers.recordApiToken(row.id(), apiToken.token().id());
            String serverToken = Secrets.newSecret();
            Map<String, String> env = new HashMap<>(serverEnvironment);
            env.put("MERIDIAN_HUB_API_URL", hubApiUrl);
            env.put("MERIDIAN_API_TOKEN", apiToken.secret());
            env.put("MERIDIAN_USER", user.name());
            env.put("MERIDIAN_SERVER_NAME", row.name());
            SpawnRequest request = new SpawnRequest(user.name(), row.name(), row.baseUrl(), serverToken, env, options,
                    config.startTimeout(), mounts);
            SpawnedServer spawned = startWithTimeout(request, stream, start);
            servers.markReady(row.id(), spawned.url(), spawned.state(), secrets.encrypt(serverToken), apiToken.token().id());
            running.put(key(row.user(), row.name()), new Running(row.id(), spawned.url(), serverToken));
            metrics.spawnFinished("success", Duration.between(begun, Instant.now()));
            Map<String, Object> ready = event(100, "Server ready at " + row.baseUrl(), Map.of());
            ready.put("ready", true);
            ready.put("url", row.baseUrl());
            stream.finish(ready);
            done.complete(true);
        } catch (SpawnException | RuntimeException e) {
            String message = e instanceof SpawnException ? e.getMessage() : "internal error while starting; the hub log has the details";
            if (!(e instanceof SpawnException)) {
                LOG.log(Level.ERROR, "spawn of " + row.baseUrl() + " failed", e);
            }
            if (apiToken != null) {
                tokens.revoke(apiToken.token().id());
            }
            servers.markStopped(row.id(), message, Instant.now());
            metrics.spawnFinished("failure", Duration.between(begun, Instant.now()));
            Map<String, Object> failed = event(100, "Spawn failed: " + message, Map.of());
            failed.put("failed", true);
            stream.finish(failed);
            done.complete(false);
        } finally {
            spawning.remove(row.id());
            pendingSpawns.decrementAndGet();
        }
    }

    // The spawner honours the start timeout itself; this is the backstop for one that hangs.
    private SpawnedServer startWithTimeout(SpawnRequest request, ProgressStream stream, Spawning start) throws SpawnException {
        CompletableFuture<SpawnedServer> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().unstarted(() -> {
            try {
                result.complete(spawner.start(request, e -> stream.publish(event(e))));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        start.worker = worker;
        if (start.cancelled) {
            throw new SpawnException("the start was cancelled");
        }
        worker.start();
        Duration limit = config.startTimeout().plusSeconds(10);
        try {
            return result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.interrupt();
            throw new SpawnException("the server did not start within " + limit.toSeconds() + " s; see the hub log");
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new SpawnException("the hub is shutting down");
        } catch (ExecutionException e) {
            if (start.cancelled) {
                throw new SpawnException("the start was cancelled");
            }
            if (e.getCause() instanceof SpawnException se) {
                throw se;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void removeStopped(ServerRow row) {
        if (!row.spawnerState().isEmpty()) {
            try {
                spawner.stop(row.spawnerState(), true);
            } catch (SpawnException e) {
                LOG.log(Level.WARNING, "removing the data of " + row.baseUrl() + " failed: " + e.getMessage());
            }
        }
        streams.remove(row.id());
        servers.delete(row.id());
    }

    // Revokes the per-spawn API token as the database knows it now (the row given may be older).
    private void stopped(ServerRow row, String message) {
        servers.byId(row.id()).map(ServerRow::apiTokenId).ifPresent(tokens::revoke);
        servers.markStopped(row.id(), message, Instant.now());
    }

    private void stopQuietly(ServerRow row) {
        if (row.spawnerState().isEmpty()) {
            return;
        }
        try {
            spawner.stop(row.spawnerState(), false);
        } catch (SpawnException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not stop " + row.baseUrl() + ": " + e.getMessage());
        }
    }

    private void pollLoop() {
        while (!closed) {
            try {
                Thread.sleep(config.pollInterval());
                pollOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "polling servers failed: " + e.getMessage());
            }
        }
    }

    private static String lastMessage(ProgressStream stream) {
        List<Map<String, Object>> events = stream.snapshot();
        return events.isEmpty() ? "spawn failed" : String.valueOf(events.getLast().get("message"));
    }

    private static Map<String, Object> event(ProgressEvent e) {
        return event(e.progress(), e.message(), e.details());
    }

    private static Map<String, Object> event(int progress, String message, Map<String, Object> details) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("progress", progress);
        event.put("message", message);
        if (!details.isEmpty()) {
            event.put("details", details);
        }
        return event;
    }

    private static String key(String user, String server) {
        return user + "/" + server;
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}
