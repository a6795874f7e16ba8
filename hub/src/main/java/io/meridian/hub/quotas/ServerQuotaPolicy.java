package io.meridian.hub.quotas;

import io.meridian.hub.servers.ServerOptionsPolicy;
import io.meridian.hub.servers.ServerStore;
import io.meridian.hub.users.User;
import io.meridian.hub.web.ApiException;

import java.util.Map;

/**
 * Every server start passes here before the spawner's own checks: a user already running or starting as many
 * servers as their quota allows is refused with 403, and nothing is started.
 */
public final class ServerQuotaPolicy implements ServerOptionsPolicy {
    private final Quotas quotas;
    private final ServerStore servers;
    private final ServerOptionsPolicy next;

    /** @param next the spawner's own checks (the hub's {@code SpawnerFeatures}) */
    public ServerQuotaPolicy(Quotas quotas, ServerStore servers, ServerOptionsPolicy next) {
        this.quotas = quotas;
        this.servers = servers;
        this.next = next;
    }

    @Override
    public Map<String, Object> admit(User user, Map<String, Object> userOptions) {
        Integer limit = quotas.of(user.name()).servers();
        if (limit != null) {
            int active = servers.countActive(user.id());
            if (active >= limit) {
                throw ApiException.forbidden("server quota exceeded: " + user.name() + " has " + active
                        + " server(s) running or starting and the limit is " + limit + "; stop one first");
            }
        }
        return next.admit(user, userOptions);
    }
}
