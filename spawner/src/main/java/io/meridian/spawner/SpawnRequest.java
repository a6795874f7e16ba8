package io.meridian.spawner;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a spawner needs to start one server.
 *
 * @param user        owner's (validated) user name
 * @param serverName  server name, empty string for the default server
 * @param baseUrl     the server's base URL on the hub, {@code /user/{name}/{server}/} (ends with '/')
 * @param serverToken random token the hub sends upstream; the server accepts only it
 * @param environment extra environment ({@code MERIDIAN_*}) for the server process or container
 * @param userOptions options the user chose (profile, ...), already checked by the hub
 * @param startTimeout how long the start may take, excluding image pulls
 * @param mounts      host folders to show inside the server (a course's shared data)
 */
public record SpawnRequest(String user,
                           String serverName,
                           String baseUrl,
                           String serverToken,
                           Map<String, String> environment,
                           Map<String, Object> userOptions,
                           Duration startTimeout,
                           List<Mount> mounts) {
    public SpawnRequest {
        environment = Map.copyOf(environment);
        userOptions = Map.copyOf(userOptions);
        mounts = List.copyOf(mounts);
    }

    /** A request without mounts. */
    public SpawnRequest(String user, String serverName, String baseUrl, String serverToken, Map<String, String> environment,
                        Map<String, Object> userOptions, Duration startTimeout) {
        this(user, serverName, baseUrl, serverToken, environment, userOptions, startTimeout, List.of());
    }
}
