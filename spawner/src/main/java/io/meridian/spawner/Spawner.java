package io.meridian.spawner;

import java.util.Map;

/**
 * Starts, watches and stops single-user Jupyter servers. One implementation per backend
 * (local process, Docker); the hub owns the lifecycle state and persists {@link SpawnedServer#state()}
 * so that a restarted hub can re-adopt running servers through {@link #poll}.
 */
public interface Spawner extends AutoCloseable {

    /** Short backend name shown to admins, e.g. {@code local} or {@code docker}. */
    String kind();

    /**
     * Starts a server and blocks until it answers HTTP on its base URL, or fails.
     * Progress is reported through {@code progress} as it happens; the final "ready" event is
     * the hub's to send. Implementations honour {@link SpawnRequest#startTimeout()} and clean up
     * everything they created when the start fails.
     */
    SpawnedServer start(SpawnRequest request, ProgressListener progress) throws SpawnException;

    /** Whether the server described by persisted {@code state} is still running. Never throws for a dead server. */
    ServerStatus poll(Map<String, String> state);

    /**
     * Stops the server described by {@code state}, ending every process it started.
     * Stopping a server that is already gone is not an error.
     *
     * @param removeData also delete the server's persistent data (volumes), only on explicit request
     */
    void stop(Map<String, String> state, boolean removeData) throws SpawnException;

    /**
     * The home directory of {@code user}'s server {@code serverName}, whether that server runs or not
     * (servers sharing a home share it). The user and server names are the hub's validated names.
     */
    HomeFiles homeFiles(String user, String serverName);

    @Override
    default void close() {
    }
}
