package io.meridian.spawner;

import java.net.URI;
import java.util.Map;

/**
 * A started server.
 *
 * @param url   where the hub's proxy reaches it, e.g. {@code http://127.0.0.1:41234}; requests keep their base URL path
 * @param state what the spawner needs to poll and stop it later (pid, container id, ...); persisted by the hub
 */
public record SpawnedServer(URI url, Map<String, String> state) {
    public SpawnedServer {
        state = Map.copyOf(state);
    }
}
