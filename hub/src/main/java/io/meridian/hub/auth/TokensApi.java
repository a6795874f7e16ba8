package io.meridian.hub.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Names;
import io.meridian.hub.web.Params;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** JupyterHub's token resources under {@code /hub/api/users/{name}/tokens}. */
public final class TokensApi implements HttpService {
    private final Authenticator auth;
    private final UserStore users;
    private final TokenStore tokens;

    public TokensApi(Authenticator auth, UserStore users, TokenStore tokens) {
        this.auth = auth;
        this.users = users;
        this.tokens = tokens;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/users/{name}/tokens", this::list)
                .post("/users/{name}/tokens", this::create)
                .get("/users/{name}/tokens/{id}", this::get)
                .delete("/users/{name}/tokens/{id}", this::delete);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        caller.require("read:tokens", name);
        User user = users.require(name);
        ObjectNode body = Json.object();
        var list = body.putArray("api_tokens");
        tokens.ofUser(user.id()).forEach(t -> list.add(model(t)));
        Json.ok(res, body);
    }

    private void create(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        caller.require("tokens", name);
        ObjectNode body = Json.objectBody(req);
        List<String> requested = requestedScopes(body);
        Duration expiresIn = expiresIn(body.get("expires_in"));
        String note = body.has("note") && !body.get("note").isNull() ? body.get("note").asText() : null;
        if (note != null && note.length() > 1000) {
            throw ApiException.badRequest("'note' must be at most 1000 characters");
        }
        User owner = users.require(name);
        // A token may carry only what both its owner and the requester may do.
        Set<String> wanted = requested.contains("inherit")
                ? Scopes.ofUser(owner.name(), owner.admin())
                : Scopes.expand(requested, owner.name());
        Set<String> allowed = Scopes.intersect(Scopes.intersect(wanted, Scopes.ofUser(owner.name(), owner.admin())), caller.scopes());
        if (!allowed.containsAll(wanted)) {
            List<String> missing = wanted.stream().filter(s -> !allowed.contains(s)).limit(5).toList();
            throw ApiException.forbidden("requested scopes exceed what " + name + " (or you) may do: " + missing);
        }
        TokenStore.Issued issued = tokens.issue(owner.id(), requested, note, expiresIn);
        ObjectNode model = model(issued.token());
        model.put("token", issued.secret());
        Json.send(res, 201, model);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        caller.require("read:tokens", name);
        Json.ok(res, model(find(name, Params.path(req, "id"))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        caller.require("tokens", name);
        tokens.revoke(find(name, Params.path(req, "id")).id());
        res.status(204).send();
    }

    private Token find(String user, String apiId) {
        long id = Token.parseApiId(apiId);
        return tokens.byId(id).filter(t -> t.user().equals(user))
                .orElseThrow(() -> ApiException.notFound("no such token for " + user));
    }

    private static List<String> requestedScopes(ObjectNode body) {
        List<String> scopes = new ArrayList<>();
        JsonNode scopesNode = body.get("scopes");
        JsonNode rolesNode = body.get("roles");
        if (scopesNode != null && !scopesNode.isNull()) {
            if (!scopesNode.isArray()) {
                throw ApiException.badRequest("'scopes' must be a list of strings");
            }
            for (JsonNode s : scopesNode) {
                if (!s.isTextual()) {
                    throw ApiException.badRequest("'scopes' must be a list of strings");
                }
                scopes.add(s.asText());
            }
        }
        if (rolesNode != null && !rolesNode.isNull()) {
            if (!rolesNode.isArray()) {
                throw ApiException.badRequest("'roles' must be a list of role names");
            }
            for (JsonNode r : rolesNode) {
                switch (r.asText()) {
                    case "user" -> scopes.add("self");
                    case "admin" -> scopes.addAll(Scopes.ADMIN_ROLE);
                    case "token" -> scopes.add("inherit");
                    default -> throw ApiException.forbidden("no such role: " + r.asText().replaceAll("[^\\x20-\\x7e]", "?"));
                }
            }
        }
        if (scopes.isEmpty()) {
            scopes.add("inherit");
        }
        Scopes.expand(scopes, "check");
        return scopes.stream().distinct().toList();
    }

    private static Duration expiresIn(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || node.asDouble() < 0) {
            throw ApiException.badRequest("'expires_in' must be a number of seconds (0 or null: never)");
        }
        long seconds = node.asLong();
        return seconds == 0 ? null : Duration.ofSeconds(seconds);
    }

    static ObjectNode model(Token t) {
        ObjectNode node = Json.object();
        node.put("id", t.apiId());
        node.put("kind", "api_token");
        node.put("user", t.user());
        node.putArray("roles");
        var scopes = node.putArray("scopes");
        t.scopes().forEach(scopes::add);
        if (t.note() != null) {
            node.put("note", t.note());
        }
        node.put("created", Json.time(t.created()));
        if (t.expiresAt() != null) {
            node.put("expires_at", Json.time(t.expiresAt()));
        }
        if (t.lastActivity() != null) {
            node.put("last_activity", Json.time(t.lastActivity()));
        }
        node.putNull("session_id");
        return node;
    }
}
