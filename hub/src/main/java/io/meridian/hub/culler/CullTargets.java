package io.meridian.hub.culler;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/** What the idle culler needs from the hub: the running servers and a way to stop one. */
public interface CullTargets {

    /** Servers that are ready now (default and named). */
    List<RunningServer> running();

    /** Stops a server the culler found idle; the hub records why. */
    void stopIdle(String user, String server);

    /**
     * A ready server.
     *
     * @param baseUrl      its base URL path, {@code /user/{name}/{server}/}
     * @param upstream     scheme://host:port where it runs
     * @param lastActivity the newest activity the hub saw (proxy traffic), may be null
     */
    record RunningServer(String user, String server, String baseUrl, URI upstream, String serverToken,
                         Instant lastActivity) {
    }
}
