package io.meridian.hub.proxy;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.http.ServerRequest;

import java.net.URI;
import java.time.Instant;

/**
 * What the proxy asks the hub about a request for {@code /user/{user}/{server}/...}: who is calling,
 * may they reach that server, and where it runs. The proxy itself knows nothing of accounts or servers.
 */
public interface ProxyGate {

    /** Decides one request; {@code server} is the empty string for the default server. */
    Decision decide(ServerRequest request, String user, String server);

    /**
     * Decides a WebSocket upgrade the same way as {@link #decide}. Helidon hands an upgrade to the WebSocket
     * route before any {@link ServerRequest} exists, so only the request line (path, query) and headers
     * (cookies, Authorization) are available.
     */
    Decision decideUpgrade(HttpPrologue prologue, Headers headers, String user, String server);

    /**
     * Whether {@code user} has a named server called {@code name}, running or not. The proxy uses it to read
     * {@code /user/alice/gpu/...} as the named server "gpu" rather than the path {@code gpu/...} of the default server.
     * Called on every proxied request, so it must not need a database round trip.
     */
    boolean hasNamedServer(String user, String name);

    /** Records traffic to a server (for the culler and the activity API). Called at most every few seconds per server. */
    void recordActivity(String user, String server, Instant when);

    /** The outcome of {@link #decide}. */
    sealed interface Decision {
        /** Forward to {@code upstream} (scheme://host:port), adding {@code serverToken}; {@code caller} is the authenticated user. */
        record Allow(URI upstream, String serverToken, String caller) implements Decision {
        }

        /** The caller may use the server, but it is not running: show a page with a start link (or a 503 JSON for API clients). */
        record NotRunning(String caller) implements Decision {
        }

        /** A browser without a session: redirect to the hub's login page, coming back afterwards. */
        record LoginRequired() implements Decision {
        }

        /** An API client without valid credentials: 401 JSON. */
        record Unauthorized(String message) implements Decision {
        }

        /** Authenticated, but not the owner or an admin: 403. */
        record Forbidden(String message) implements Decision {
        }
    }
}
