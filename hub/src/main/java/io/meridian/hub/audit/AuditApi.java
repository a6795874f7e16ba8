package io.meridian.hub.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Names;
import io.meridian.hub.web.Params;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit trail of admin actions: a filter that records every state-changing API call an admin makes
 * (who, method and path, answer, when; never the body), and {@code GET /admin/audit} for admins to read it.
 */
public final class AuditApi implements HttpService, Filter {
    private static final Logger LOG = Logger.getLogger(AuditApi.class.getName());
    private static final Set<Method> CHANGES = Set.of(Method.POST, Method.PUT, Method.PATCH, Method.DELETE);
    private static final int MAX_LIMIT = 500;

    private final Function<ServerRequest, Caller> callers;
    private final AuditLog log;
    private final Clock clock;

    public AuditApi(Function<ServerRequest, Caller> callers, AuditLog log, Clock clock) {
        this.callers = callers;
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/audit", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        callers.apply(req).requireUnfiltered("admin:users");
        int offset = Params.integer(req, "offset", 0);
        int limit = Math.max(1, Math.min(MAX_LIMIT, Params.integer(req, "limit", 100)));
        Optional<String> actor = Params.query(req, "actor").map(Names::user);
        ArrayNode entries = Json.MAPPER.createArrayNode();
        for (AuditLog.Entry e : log.list(actor, offset, limit)) {
            entries.addObject().put("id", e.id()).put("at", Json.time(e.at())).put("actor", e.actor())
                    .put("method", e.method()).put("path", e.path()).put("status", e.status()).put("via", e.via());
        }
        ObjectNode body = Json.object();
        body.set("entries", entries);
        Json.ok(res, body);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        chain.proceed();
        if (!CHANGES.contains(req.prologue().method())) {
            return;
        }
        // the prologue keeps the full path; req.path() is relative to the service that answered
        String path = req.prologue().uriPath().rawPath();
        if (!(path.startsWith("/hub/api/") || path.startsWith("/api/v1/"))) {
            return;
        }
        try {
            Caller caller = callers.apply(req);
            if (caller.user().admin()) {
                log.record(clock.instant(), caller.name(), req.prologue().method().text(), path,
                        res.status().code(), caller.tokenId() == null ? "session" : "token");
            }
        } catch (ApiException notAuthenticated) {
            // nobody to hold to account: the request was refused anyway
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot write the audit log: " + e.getMessage());
        }
    }
}
