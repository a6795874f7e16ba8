package io.meridian.hub.servers;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * One server as persisted: its lifecycle state, where it runs, and the spawner's own state.
 *
 * @param serverToken the server token, encrypted at rest (see {@link SecretBox})
 */
public record ServerRow(long id, long userId, String user, String name, String displayName, ServerState state,
                        URI upstream, Map<String, String> spawnerState, Map<String, Object> userOptions,
                        String serverToken, Long apiTokenId, String message, Instant started, Instant stopped,
                        Instant lastActivity) {

    /** {@code /user/{name}/} or {@code /user/{name}/{server}/}. */
    public String baseUrl() {
        return baseUrl(user, name);
    }

    public static String baseUrl(String user, String server) {
        return "/user/" + user + "/" + (server.isEmpty() ? "" : server + "/");
    }

    public String progressUrl() {
        return "/hub/api/users/" + user + (name.isEmpty() ? "/server/progress" : "/servers/" + name + "/progress");
    }
}
