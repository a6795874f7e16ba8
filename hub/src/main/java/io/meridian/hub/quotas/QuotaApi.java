package io.meridian.hub.quotas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Names;
import io.meridian.hub.web.Params;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Quotas over the API: admins read and set each user's limits at {@code /admin/users/{name}/quota} (the audit
 * filter records every change), and everyone reads their own limits and usage at {@code /me/quota}.
 */
public final class QuotaApi implements HttpService {
    /** The scope JupyterHub gives admins over users; the one the audit trail asks for too. */
    private static final String ADMIN_SCOPE = "admin:users";

    private final Function<ServerRequest, Caller> callers;
    private final UserStore users;
    private final Quotas quotas;
    private final Function<User, QuotaUsage> usage;
    private final Clock clock;

    /** @param usage what a user holds now (storage, servers, deployments) */
    public QuotaApi(Function<ServerRequest, Caller> callers, UserStore users, Quotas quotas,
                    Function<User, QuotaUsage> usage, Clock clock) {
        this.callers = callers;
        this.users = users;
        this.quotas = quotas;
        this.usage = usage;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/me/quota", this::mine)
                .get("/admin/users/{name}/quota", this::show)
                .put("/admin/users/{name}/quota", this::set)
                .delete("/admin/users/{name}/quota", this::reset);
    }

    private void mine(ServerRequest req, ServerResponse res) {
        Caller caller = callers.apply(req);
        Json.ok(res, Map.of("user", caller.name(), "quota", quotas.of(caller.name()), "usage", usage.apply(caller.user())));
    }

    private void show(ServerRequest req, ServerResponse res) {
        Json.ok(res, view(target(req)));
    }

    private void set(ServerRequest req, ServerResponse res) {
        Caller admin = callers.apply(req);
        User user = target(req, admin);
        Map<String, Long> limits = limits(Json.objectBody(req));
        quotas.set(user, limits, admin.name(), clock.instant());
        Json.ok(res, view(user));
    }

    private void reset(ServerRequest req, ServerResponse res) {
        Caller admin = callers.apply(req);
        quotas.set(target(req, admin), Map.of(), admin.name(), clock.instant());
        res.status(204).send();
    }

    private Map<String, Object> view(User user) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("user", user.name());
        view.put("quota", quotas.of(user.name()));
        view.put("overrides", quotas.overrides(user.name()));
        view.put("defaults", quotas.defaults());
        view.put("usage", usage.apply(user));
        return view;
    }

    private User target(ServerRequest req) {
        return target(req, callers.apply(req));
    }

    private User target(ServerRequest req, Caller caller) {
        caller.requireUnfiltered(ADMIN_SCOPE);
        String name = Names.user(Params.path(req, "name"));
        return users.find(name).orElseThrow(() -> ApiException.notFound("no such user: " + name));
    }

    /** The body's limits: only known fields, each a whole number >= 0 or null for "no limit". */
    private static Map<String, Long> limits(ObjectNode body) {
        Map<String, Long> limits = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (!Quota.FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown quota field '" + shown(name) + "'; the fields are " + Quota.FIELDS);
            }
            if (value.isNull()) {
                limits.put(name, null);
            } else if (value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0
                    && (name.equals("storage_bytes") || name.equals("memory_mb") || value.canConvertToInt())) {
                limits.put(name, value.asLong());
            } else {
                throw ApiException.badRequest("'" + name + "' must be a whole number >= 0, or null for no limit");
            }
        }
        return limits;
    }

    private static String shown(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
