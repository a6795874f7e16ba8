package io.meridian.hub.servers;

import io.meridian.hub.users.User;
import io.meridian.spawner.Mount;

import java.util.List;
import java.util.Map;

/**
 * What the hub decides about a start beyond the user's own options, whichever API the start came
 * through: a course server gets its course's profile and shared data, and is refused over its quota.
 */
@FunctionalInterface
public interface StartPolicy {
    /** The options and mounts a start gets. */
    record Plan(Map<String, Object> userOptions, List<Mount> mounts) {
        public Plan {
            userOptions = Map.copyOf(userOptions);
            mounts = List.copyOf(mounts);
        }
    }

    /**
     * Called with the hub's admission lock held, so that counting running servers and starting one is atomic.
     *
     * @throws io.meridian.hub.web.ApiException when the start must be refused (a quota), with the reason
     */
    Plan plan(User user, String serverName, Map<String, Object> userOptions);
}
