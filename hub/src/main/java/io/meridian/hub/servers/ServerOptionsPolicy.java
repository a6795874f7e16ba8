package io.meridian.hub.servers;

import io.meridian.hub.users.User;

import java.util.Map;

/**
 * What a user may ask of their server's spawner: checked when the start request arrives, so a bad
 * option is a 400 rather than a failed spawn, and completed with what only the hub knows (the user's groups).
 */
@FunctionalInterface
public interface ServerOptionsPolicy {
    /**
     * @return the options to hand to the spawner
     * @throws io.meridian.hub.web.ApiException 400 saying why the options cannot be honoured
     */
    Map<String, Object> admit(User user, Map<String, Object> userOptions);
}
