package io.meridian.hub.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.http.ServerRequest;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fixed access policy for proxy tests: the caller is named by the {@code meridian-session} cookie (browsers)
 * or an {@code Authorization: token user-NAME} header (API clients); owners and admins may pass.
 */
final class TestPolicyGate implements ProxyGate {
    record Server(URI upstream, String token, boolean running) {
    }

    private final Map<String, Server> servers = new ConcurrentHashMap<>();
    private final Set<String> admins;
    final List<String> activity = new CopyOnWriteArrayList<>();

    TestPolicyGate(Set<String> admins) {
        this.admins = admins;
    }

    void running(String user, String server, URI upstream, String token) {
        servers.put(user + "/" + server, new Server(upstream, token, true));
    }

    void stopped(String user, String server) {
        servers.put(user + "/" + server, new Server(null, null, false));
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
        return servers.containsKey(user + "/" + name);
    }

    @Override
    public void recordActivity(String user, String server, Instant when) {
        activity.add(user + "/" + server);
    }

    private Decision decide(Headers headers, String user, String server) {
        String caller = caller(headers);
        if (caller == null) {
            boolean browser = headers.first(HeaderNames.ACCEPT).map(a -> a.contains("text/html")).orElse(false);
            return browser ? new Decision.LoginRequired() : new Decision.Unauthorized("missing or invalid token");
        }
        if (!caller.equals(user) && !admins.contains(caller)) {
            return new Decision.Forbidden(caller + " may not use " + user + "'s server");
        }
        Server target = servers.get(user + "/" + server);
        if (target == null || !target.running()) {
            return new Decision.NotRunning(caller);
        }
        return new Decision.Allow(target.upstream(), target.token(), caller);
    }

    private static String caller(Headers headers) {
        for (String cookieHeader : headers.values(HeaderNames.COOKIE)) {
            for (String cookie : cookieHeader.split(";")) {
                String[] pair = cookie.strip().split("=", 2);
                if (pair.length == 2 && pair[0].equals("meridian-session")) {
                    return pair[1];
                }
            }
        }
        return headers.first(HeaderNames.AUTHORIZATION)
                .filter(value -> value.startsWith("token user-"))
                .map(value -> value.substring("token user-".length()))
                .orElse(null);
    }
}
