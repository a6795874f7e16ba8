package io.meridian.hub.proxy;

import java.time.Duration;

/**
 * Settings of the proxy in front of the users' servers.
 *
 * @param hubCookiePrefix   cookies whose names start with this belong to the hub: never sent upstream, never set by a server
 * @param loginPath         where a browser without a session goes, with {@code ?next=} the page it wanted
 * @param spawnPathPrefix   start link on the "server not running" page: prefix + {@code user/} [+ {@code server}]
 * @param activityInterval  at most one activity record per server per interval
 * @param connectTimeout    how long to wait for a server to accept a connection before answering 503
 */
public record ProxySettings(String hubCookiePrefix,
                            String loginPath,
                            String spawnPathPrefix,
                            Duration activityInterval,
                            Duration connectTimeout) {

    public ProxySettings {
        if (hubCookiePrefix == null || hubCookiePrefix.isBlank()) {
            throw new IllegalArgumentException("proxy hubCookiePrefix must not be blank");
        }
        if (activityInterval == null || activityInterval.isNegative()) {
            throw new IllegalArgumentException("proxy activityInterval must be zero or positive");
        }
        if (connectTimeout == null || connectTimeout.isZero() || connectTimeout.isNegative()) {
            throw new IllegalArgumentException("proxy connectTimeout must be positive");
        }
    }

    public static ProxySettings defaults() {
        return new ProxySettings("meridian-", "/hub/login", "/hub/spawn/", Duration.ofSeconds(10), Duration.ofSeconds(5));
    }
}
