package io.meridian.hub.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.auth.Scopes;
import io.meridian.hub.servers.ServerRow;
import io.meridian.hub.servers.ServerStore;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Names;
import io.meridian.hub.web.Pagination;
import io.meridian.hub.web.Params;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** JupyterHub's user resources: {@code /hub/api/user}, {@code /hub/api/users[/{name}[/activity]]}. */
public final class UsersApi implements HttpService {
    private final Authenticator auth;
    private final UserStore users;
    private final ServerStore servers;

    public UsersApi(Authenticator auth, UserStore users, ServerStore servers) {
        this.auth = auth;
        this.users = users;
        this.servers = servers;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/user", this::me)
                .get("/users", this::list)
                .post("/users", this::createMany)
                .get("/users/{name}", this::get)
                .post("/users/{name}", this::create)
                .patch("/users/{name}", this::update)
                .delete("/users/{name}", this::delete)
                .post("/users/{name}/activity", this::activity);
    }

    private void me(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        ObjectNode model = Models.user(users.detail(caller.user(), false), caller);
        ArrayNode scopes = model.putArray("scopes");
        caller.scopes().forEach(scopes::add);
        if (caller.tokenId() == null) {
            model.putNull("token_id");
        } else {
            model.put("token_id", caller.tokenId());
        }
        model.putNull("session_id");
        Json.ok(res, model);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        if (!Scopes.hasAny(caller.scopes(), "list:users")) {
            throw ApiException.forbidden("listing users requires the scope list:users");
        }
        Pagination page = Pagination.of(req);
        Collection<String> only = caller.scopes().contains("list:users") ? null : listableNames(caller);
        UserStore.Page found = users.list(new UserStore.ListQuery(
                Params.query(req, "state").filter(s -> !s.isEmpty()).orElse(null),
                Params.query(req, "name_filter").filter(s -> !s.isEmpty()).orElse(null),
                Params.query(req, "sort").filter(s -> !s.isEmpty()).orElse(null),
                page.offset(), page.limit(), Params.flag(req, "include_stopped_servers"), only));
        ArrayNode items = Json.MAPPER.createArrayNode();
        found.items().forEach(detail -> items.add(Models.user(detail, caller)));
        Json.ok(res, page.body(items, found.total(), "/hub/api/users"));
    }

    // A caller with only filtered list:users (e.g. list:users!user=bob) sees just those users.
    private static Collection<String> listableNames(Caller caller) {
        Set<String> names = new LinkedHashSet<>();
        for (String scope : caller.scopes()) {
            if (scope.startsWith("list:users!user=")) {
                names.add(scope.substring("list:users!user=".length()));
            }
        }
        return names;
    }

    private void createMany(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        caller.requireUnfiltered("admin:users");
        ObjectNode body = Json.objectBody(req);
        JsonNode names = body.get("usernames");
        if (names == null || !names.isArray() || names.isEmpty()) {
            throw ApiException.badRequest("body must have a non-empty list 'usernames'");
        }
        List<String> valid = new ArrayList<>();
        for (JsonNode name : names) {
            if (!name.isTextual()) {
                throw ApiException.badRequest("usernames must be strings");
            }
            valid.add(Names.user(name.asText()));
        }
        boolean admin = bool(body, "admin", false);
        List<String> fresh = valid.stream().distinct().filter(n -> users.find(n).isEmpty()).toList();
        if (fresh.isEmpty()) {
            throw ApiException.conflict("all of these users already exist");
        }
        ArrayNode created = Json.MAPPER.createArrayNode();
        for (User user : users.create(fresh, admin)) {
            created.add(Models.user(users.detail(user, false), caller));
        }
        Json.send(res, 201, created);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        caller.require("read:users", name);
        User user = users.require(name);
        Json.ok(res, Models.user(users.detail(user, Params.flag(req, "include_stopped_servers")), caller));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        caller.requireUnfiltered("admin:users");
        ObjectNode body = Json.objectBody(req);
        boolean admin = bool(body, "admin", false);
        User user = users.create(List.of(name), admin).getFirst();
        Json.send(res, 201, Models.user(users.detail(user, false), caller));
    }

    private void update(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        caller.require("admin:users", name);
        ObjectNode body = Json.objectBody(req);
        String newName = body.has("name") ? Names.user(text(body, "name")) : null;
        Boolean admin = body.has("admin") ? bool(body, "admin", false) : null;
        if (newName == null && admin == null) {
            throw ApiException.badRequest("give at least one of 'name' or 'admin'");
        }
        User user = users.require(name);
        if (newName != null && !newName.equals(name)
                && users.detail(user, false).servers().stream().anyMatch(s -> s.state().active())) {
            throw ApiException.badRequest("stop the servers of " + name + " before renaming the user");
        }
        User updated = users.update(name, newName, admin);
        servers.reloadNamedServers();
        Json.ok(res, Models.user(users.detail(updated, false), caller));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        caller.require("delete:users", name);
        User user = users.require(name);
        if (user.id() == caller.user().id()) {
            throw ApiException.badRequest("you cannot delete yourself");
        }
        if (users.detail(user, false).servers().stream().anyMatch(s -> s.state().active())) {
            throw ApiException.badRequest("stop the servers of " + name + " before deleting the user");
        }
        users.delete(user.id());
        servers.reloadNamedServers();
        res.status(204).send();
    }

    private void activity(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        caller.require("users:activity", name);
        User user = users.require(name);
        ObjectNode body = Json.objectBody(req);
        // Everything is checked before anything is written.
        Instant userActivity = body.has("last_activity") ? time(body.get("last_activity"), "last_activity") : null;
        Map<ServerRow, Instant> serverActivity = new HashMap<>();
        JsonNode serversNode = body.get("servers");
        if (serversNode != null && !serversNode.isNull()) {
            if (!serversNode.isObject()) {
                throw ApiException.badRequest("'servers' must be an object of server name to {last_activity}");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = serversNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String server = Names.server(entry.getKey());
                ServerRow row = servers.find(name, server)
                        .orElseThrow(() -> ApiException.badRequest("no such server: '" + server + "'"));
                JsonNode when = entry.getValue().get("last_activity");
                if (when == null) {
                    throw ApiException.badRequest("servers['" + server + "'] needs last_activity");
                }
                Instant t = time(when, "last_activity");
                serverActivity.put(row, t);
                userActivity = userActivity == null || t.isAfter(userActivity) ? t : userActivity;
            }
        }
        serverActivity.forEach((row, when) -> servers.touch(row.id(), when));
        if (userActivity != null) {
            users.touch(user.id(), userActivity);
        }
        res.status(200).send();
    }

    private static Instant time(JsonNode node, String field) {
        if (!node.isTextual()) {
            throw ApiException.badRequest(field + " must be an ISO-8601 timestamp string");
        }
        try {
            return OffsetDateTime.parse(node.asText()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(node.asText() + (node.asText().endsWith("Z") ? "" : "Z"));
            } catch (DateTimeParseException e2) {
                throw ApiException.badRequest(field + " is not an ISO-8601 timestamp: use e.g. 2024-01-31T12:00:00Z");
            }
        }
    }

    static boolean bool(ObjectNode body, String field, boolean defaultValue) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw ApiException.badRequest("'" + field + "' must be true or false");
        }
        return node.asBoolean();
    }

    static String text(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || !node.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return node.asText();
    }
}
