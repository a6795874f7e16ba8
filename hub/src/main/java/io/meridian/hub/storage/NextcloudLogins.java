package io.meridian.hub.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.meridian.hub.web.ApiException;
import io.meridian.nextcloud.NextcloudLoginFlow;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connecting a Nextcloud account with Nextcloud's Login Flow v2: the hub starts the flow, the user approves
 * in their browser, and the hub, polling in the background, receives an app password it stores like a typed
 * one. One flow per user at a time; a new start replaces the old one.
 */
public final class NextcloudLogins {
    private static final System.Logger LOG = System.getLogger(NextcloudLogins.class.getName());

    private final UserStorage storage;
    private final Duration pollEvery;
    private final Duration expireAfter;
    private final Map<String, Flow> flows = new ConcurrentHashMap<>();

    /** A flow as the API shows it: "pending" (with the URL to open), "connected", "expired" or "failed". */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(String status, @JsonProperty("login_url") String loginUrl, String message) {
    }

    private record Flow(NextcloudLoginFlow.Started started, Instant expires, Status status) {
        Flow with(Status next) {
            return new Flow(started, expires, next);
        }
    }

    public NextcloudLogins(UserStorage storage, Duration pollEvery, Duration expireAfter) {
        this.storage = storage;
        this.pollEvery = pollEvery;
        this.expireAfter = expireAfter;
    }

    public Status start(String user, String server) {
        URI uri;
        try {
            uri = URI.create(server == null ? "" : server.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("url is not a valid URL");
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw ApiException.badRequest("url must be the Nextcloud server's http(s) address");
        }
        NextcloudLoginFlow.Started started;
        try {
            started = NextcloudLoginFlow.start(uri);
        } catch (IOException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Flow flow = new Flow(started, Instant.now().plus(expireAfter),
                new Status("pending", started.loginUrl().toString(), "open login_url and grant access"));
        flows.put(user, flow);
        Thread.ofVirtual().name("nextcloud-login-" + user).start(() -> pollUntilDone(user, flow));
        return flow.status();
    }

    public Status status(String user) {
        return Optional.ofNullable(flows.get(user)).map(Flow::status)
                .orElseThrow(() -> ApiException.notFound("no Nextcloud login was started"));
    }

    private void pollUntilDone(String user, Flow flow) {
        try {
            while (flows.get(user) == flow) {
                if (Instant.now().isAfter(flow.expires())) {
                    finish(user, flow, new Status("expired", null, "the login was not approved in time; start again"));
                    return;
                }
                Optional<NextcloudLoginFlow.Granted> granted = NextcloudLoginFlow.poll(flow.started());
                if (granted.isPresent()) {
                    NextcloudLoginFlow.Granted g = granted.get();
                    storage.connect(user, "nextcloud", g.server().toString(), g.loginName(), g.appPassword());
                    finish(user, flow, new Status("connected", null, "connected as " + g.loginName()));
                    return;
                }
                Thread.sleep(pollEvery.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | ApiException e) {
            LOG.log(System.Logger.Level.INFO, "Nextcloud login of " + user + " failed: " + e.getMessage());
            finish(user, flow, new Status("failed", null, e.getMessage()));
        }
    }

    private void finish(String user, Flow flow, Status status) {
        flows.computeIfPresent(user, (u, current) -> current == flow ? flow.with(status) : current);
    }
}
