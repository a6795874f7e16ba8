package io.meridian.hub.servers;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.http.ServerRequest;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.auth.Secrets;
import io.meridian.hub.culler.CullTargets;
import io.meridian.hub.proxy.ProxyGate;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The hub's answers to the proxy (who may reach {@code /user/{user}/{server}/} and where it runs)
 * and to the idle culler (which servers run, and stopping one).
 */
public final class ServerAccess implements ProxyGate, CullTargets {
    private static final System.Logger LOG = System.getLogger(ServerAccess.class.getName());

    private final Authenticator auth;
    private final ServerLifecycle lifecycle;
    private final ServerStore servers;
    private final UserStore users;
    private final ServerGrants grants;

    /** @param grants access beyond scopes (instructors to their students' course servers) */
    public ServerAccess(Authenticator auth, ServerLifecycle lifecycle, ServerStore servers, UserStore users,
                        ServerGrants grants) {
        this.grants = grants;
        this.auth = auth;
        this.lifecycle = lifecycle;
        this.servers = servers;
        this.users = users;
    }

    @Override
    public Decision decide(ServerRequest request, String user, String server) {
        return decide(request.headers(), user, server);
    }

    @Override
    public Decision decideUpgrade(HttpPrologue prologue, Headers headers, String user, String server) {
        return decide(headers, user, server);
    }

    @Override
    public boolean hasNamedServer(String user, String name) {
        return servers.hasNamed(user, name);
    }

    private Decision decide(Headers headers, String user, String server) {
        Optional<String> token = Authenticator.bearer(headers);
        Caller caller;
        String presented;
        if (token.isPresent()) {
            presented = token.get();
            Optional<Caller> byToken;
            try {
                byToken = auth.fromToken(token.get());
            } catch (ApiException e) {
                return new Decision.Unauthorized(e.getMessage());
            }
            if (byToken.isEmpty()) {
                return new Decision.Unauthorized("invalid or expired API token");
            }
            caller = byToken.get();
        } else {
            Optional<Caller> bySession = auth.session(headers).map(auth::fromSession);
            if (bySession.isEmpty()) {
                boolean browser = headers.first(HeaderNames.ACCEPT).map(a -> a.contains("text/html")).orElse(false);
                return browser ? new Decision.LoginRequired()
                        : new Decision.Unauthorized("authentication required: log in or send 'Authorization: token <token>'");
            }
            caller = bySession.get();
            presented = Authenticator.cookie(headers, Authenticator.SESSION_COOKIE).orElse("");
        }
        // the digest is computed only when scopes do not decide, off the owner's hot path
        if (!caller.can("access:servers", user) && !grants.allows(caller, Secrets.sha256(presented), user, server)) {
            return new Decision.Forbidden(caller.name() + " may not access the servers of " + user);
        }
        return lifecycle.running(user, server)
                .<Decision>map(r -> new Decision.Allow(r.upstream(), r.serverToken(), caller.name()))
                .orElseGet(() -> new Decision.NotRunning(caller.name()));
    }

    @Override
    public void recordActivity(String user, String server, Instant when) {
        servers.find(user, server).ifPresent(row -> {
            servers.touch(row.id(), when);
            users.touch(row.userId(), when);
        });
    }

    @Override
    public List<RunningServer> running() {
        return servers.inState(ServerState.READY).stream()
                .flatMap(row -> lifecycle.running(row.user(), row.name()).stream()
                        .map(r -> new RunningServer(row.user(), row.name(), row.baseUrl(), r.upstream(), r.serverToken(),
                                row.lastActivity())))
                .toList();
    }

    @Override
    public void stopIdle(String user, String server) {
        servers.find(user, server).ifPresent(row -> {
            try {
                lifecycle.stop(row, false);
                LOG.log(Level.INFO, "stopped idle server " + row.baseUrl());
            } catch (ApiException e) {
                LOG.log(Level.INFO, "idle server " + row.baseUrl() + " not stopped: " + e.getMessage());
            }
        });
    }
}
