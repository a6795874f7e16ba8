package io.meridian.hub.servers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.users.Models;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Names;
import io.meridian.hub.web.Params;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * JupyterHub's server resources: start, stop, create, rename and read default and named
 * servers, and follow a spawn's progress as Server-Sent Events.
 */
public final class ServersApi implements HttpService {
    private final Authenticator auth;
    private final UserStore users;
    private final ServerStore servers;
    private final ServerLifecycle lifecycle;
    private final int namedServerLimit;
    private final Duration keepalive;

    public ServersApi(Authenticator auth, UserStore users, ServerStore servers, ServerLifecycle lifecycle,
                      int namedServerLimit, Duration keepalive) {
        this.auth = auth;
        this.users = users;
        this.servers = servers;
        this.lifecycle = lifecycle;
        this.namedServerLimit = namedServerLimit;
        this.keepalive = keepalive;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/users/{name}/server", this::start)
                .delete("/users/{name}/server", this::stop)
                .get("/users/{name}/server/progress", this::progress)
                .get("/users/{name}/servers/{server}", this::get)
                .put("/users/{name}/servers/{server}", this::create)
                .post("/users/{name}/servers/{server}", this::start)
                .patch("/users/{name}/servers/{server}", this::modify)
                .delete("/users/{name}/servers/{server}", this::stop)
                .get("/users/{name}/servers/{server}/progress", this::progress);
    }

    private void start(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        String server = serverName(req);
        caller.require("start:servers", name);
        ServerRequestBody body = ServerRequestBody.parse(Json.body(req));
        User user = users.require(name);
        Optional<ServerRow> existing = servers.find(name, server);
        // checked before a new named server is recorded, so that a refused start leaves nothing behind
        lifecycle.admit(user, body.userOptions() != null ? body.userOptions()
                : existing.map(ServerRow::userOptions).orElse(Map.of()));
        ServerRow row = existing.orElseGet(() -> newRow(user, server, body.displayName()));
        ServerLifecycle.Outcome outcome = lifecycle.start(user, row, body.userOptions());
        res.status(outcome == ServerLifecycle.Outcome.DONE ? 201 : 202).send();
    }

    private void stop(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        String server = serverName(req);
        caller.require("delete:servers", name);
        ObjectNode body = Json.objectBody(req);
        boolean remove = body.has("remove") && body.get("remove").asBoolean(false);
        if (remove && server.isEmpty()) {
            throw ApiException.badRequest("the default server cannot be removed, only stopped");
        }
        users.require(name);
        Optional<ServerRow> row = servers.find(name, server);
        if (row.isEmpty()) {
            if (server.isEmpty()) {
                res.status(204).send();
                return;
            }
            throw ApiException.notFound("no such server: " + name + "/" + server);
        }
        ServerLifecycle.Outcome outcome = lifecycle.stop(row.get(), remove);
        res.status(outcome == ServerLifecycle.Outcome.DONE ? 204 : 202).send();
    }

    private void get(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        String server = serverName(req);
        caller.require("read:servers", name);
        ServerRow row = servers.find(name, server)
                .orElseThrow(() -> ApiException.notFound("no such server: " + name + "/" + server));
        Json.ok(res, Models.server(row, caller.can("admin:server_state", name)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        String server = serverName(req);
        caller.require("start:servers", name);
        if (server.isEmpty()) {
            throw ApiException.badRequest("named servers need a name");
        }
        ServerRequestBody body = ServerRequestBody.parse(Json.body(req));
        User user = users.require(name);
        if (servers.find(name, server).isPresent()) {
            throw ApiException.conflict("server " + name + "/" + server + " already exists");
        }
        ServerRow row = newRow(user, server, body.displayName());
        if (body.userOptions() != null) {
            servers.rename(row.id(), server, body.displayName(), body.userOptions());
            row = servers.byId(row.id()).orElseThrow();
        }
        Json.send(res, 201, Models.server(row, false));
    }

    private void modify(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        String server = serverName(req);
        caller.require("start:servers", name);
        JsonNode raw = Json.body(req);
        if (raw == null || !raw.isObject() || raw.isEmpty()) {
            throw ApiException.badRequest("give at least one of name, display_name, user_options");
        }
        ObjectNode body = (ObjectNode) raw;
        String newName = body.has("name") ? Names.server(body.get("name").asText(null)) : server;
        if (body.has("name") && (!body.get("name").isTextual() || newName.isEmpty())) {
            throw ApiException.badRequest("'name' must be a non-empty server name");
        }
        ServerRequestBody parsed = ServerRequestBody.parse(body.deepCopy().without("name"));
        ServerRow row = servers.find(name, server)
                .orElseThrow(() -> ApiException.notFound("no such server: " + name + "/" + server));
        if (row.state() != ServerState.STOPPED) {
            throw ApiException.badRequest("stop the server before modifying it");
        }
        if (!newName.equals(server) && servers.find(name, newName).isPresent()) {
            throw ApiException.conflict("server " + name + "/" + newName + " already exists");
        }
        if (server.isEmpty() && !newName.isEmpty()) {
            throw ApiException.badRequest("the default server cannot be renamed");
        }
        servers.rename(row.id(), newName,
                parsed.displayName() != null ? parsed.displayName() : row.displayName(),
                parsed.userOptions() != null ? parsed.userOptions() : row.userOptions());
        Json.ok(res, Models.server(servers.byId(row.id()).orElseThrow(), false));
    }

    private void progress(ServerRequest req, ServerResponse res) {
        Caller caller = auth.api(req);
        String name = Names.user(Params.path(req, "name"));
        String server = serverName(req);
        caller.require("read:servers", name);
        ServerRow row = servers.find(name, server)
                .orElseThrow(() -> ApiException.notFound("no such server: " + name + "/" + server));
        Optional<ProgressStream> stream = lifecycle.progress(row.id());
        if (stream.isEmpty() && row.state() != ServerState.READY) {
            throw ApiException.badRequest("server " + row.baseUrl() + " is not starting");
        }
        res.header("Cache-Control", "no-cache");
        res.header("X-Accel-Buffering", "no");
        try (SseSink sink = res.sink(SseSink.TYPE)) {
            if (stream.isEmpty()) {
                Map<String, Object> ready = new LinkedHashMap<>();
                ready.put("progress", 100);
                ready.put("ready", true);
                ready.put("message", "Server ready at " + row.baseUrl());
                ready.put("url", row.baseUrl());
                sink.emit(SseEvent.create(Json.write(ready)));
                return;
            }
            follow(stream.get(), sink);
        } catch (UncheckedIOException e) {
            // The client went away; nothing to answer.
        }
    }

    private void follow(ProgressStream stream, SseSink sink) {
        int index = 0;
        try {
            while (!stream.endsBefore(index)) {
                Map<String, Object> event = stream.await(index, keepalive);
                if (event == null) {
                    if (!stream.endsBefore(index)) {
                        sink.emit(SseEvent.builder().comment("keepalive").build());
                    }
                    continue;
                }
                sink.emit(SseEvent.create(Json.write(event)));
                index++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ServerRow newRow(User user, String server, String displayName) {
        if (!server.isEmpty() && servers.countNamed(user.id()) >= namedServerLimit) {
            throw ApiException.badRequest(user.name() + " already has " + namedServerLimit
                    + " named servers, the limit; remove one first");
        }
        return servers.create(user.id(), server, displayName);
    }

    private static String serverName(ServerRequest req) {
        return req.path().pathParameters().contains("server") ? Names.server(Params.path(req, "server")) : "";
    }

    /** JupyterHub's ServerRequest body: user_options and display_name, or (old style) the whole body as options. */
    record ServerRequestBody(Map<String, Object> userOptions, String displayName) {
        static ServerRequestBody parse(JsonNode body) {
            if (body == null || body.isNull()) {
                return new ServerRequestBody(null, null);
            }
            if (!body.isObject()) {
                throw ApiException.badRequest("request body must be a JSON object");
            }
            String displayName = null;
            if (body.has("display_name")) {
                if (!body.get("display_name").isTextual() || body.get("display_name").asText().length() > 200) {
                    throw ApiException.badRequest("'display_name' must be a string of at most 200 characters");
                }
                displayName = body.get("display_name").asText();
            }
            JsonNode options = body.has("user_options") || body.has("display_name") ? body.get("user_options") : body;
            if (options == null || options.isNull()) {
                return new ServerRequestBody(null, displayName);
            }
            if (!options.isObject()) {
                throw ApiException.badRequest("'user_options' must be a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = Json.MAPPER.convertValue(options, Map.class);
            return new ServerRequestBody(map, displayName);
        }
    }
}
