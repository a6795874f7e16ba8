package io.meridian.hub.groups;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Names;
import io.meridian.hub.web.Pagination;
import io.meridian.hub.web.Params;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JupyterHub's group resources: CRUD, members and properties. */
public final class GroupsApi implements HttpService {
    private final Authenticator auth;
    private final GroupStore groups;

    public GroupsApi(Authenticator auth, GroupStore groups) {
        this.auth = auth;
        this.groups = groups;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/groups", this::list)
                .get("/groups/{name}", this::get)
                .post("/groups/{name}", this::create)
                .delete("/groups/{name}", this::delete)
                .post("/groups/{name}/users", this::addUsers)
                .delete("/groups/{name}/users", this::removeUsers)
                .put("/groups/{name}/properties", this::properties);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        caller.requireUnfiltered("list:groups");
        Pagination page = Pagination.of(req);
        ArrayNode out = Json.MAPPER.createArrayNode();
        groups.list(page.offset(), page.limit()).forEach(g -> out.add(model(g)));
        Json.ok(res, page.body(out, groups.count(), "/hub/api/groups"));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.group(Params.path(req, "name"));
        caller.requireUnfiltered("read:groups");
        Json.ok(res, model(groups.require(name)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.group(Params.path(req, "name"));
        caller.requireUnfiltered("admin:groups");
        ObjectNode body = Json.objectBody(req);
        List<String> users = body.has("users") ? userNames(body) : List.of();
        Json.send(res, 201, model(groups.create(name, users)));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.group(Params.path(req, "name"));
        caller.requireUnfiltered("delete:groups");
        groups.delete(name);
        res.status(204).send();
    }

    private void addUsers(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.group(Params.path(req, "name"));
        caller.requireUnfiltered("groups");
        List<String> users = userNames(Json.objectBody(req));
        Json.ok(res, model(groups.addUsers(name, users)));
    }

    private void removeUsers(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.group(Params.path(req, "name"));
        caller.requireUnfiltered("groups");
        List<String> users = userNames(Json.objectBody(req));
        Json.ok(res, model(groups.removeUsers(name, users)));
    }

    private void properties(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.group(Params.path(req, "name"));
        caller.requireUnfiltered("groups");
        JsonNode body = Json.body(req);
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("properties must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = Json.MAPPER.convertValue(body, Map.class);
        Json.ok(res, model(groups.setProperties(name, properties)));
    }

    private static List<String> userNames(ObjectNode body) {
        JsonNode node = body.get("users");
        if (node == null || !node.isArray()) {
            throw ApiException.badRequest("body must have a list 'users'");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw ApiException.badRequest("'users' must be a list of user names");
            }
            names.add(Names.user(n.asText()));
        }
        return names;
    }

    private static ObjectNode model(GroupStore.Group group) {
        ObjectNode node = Json.object();
        node.put("kind", "group");
        node.put("name", group.name());
        ArrayNode users = node.putArray("users");
        group.users().forEach(users::add);
        node.set("properties", Json.MAPPER.valueToTree(group.properties()));
        node.putArray("roles");
        return node;
    }
}
