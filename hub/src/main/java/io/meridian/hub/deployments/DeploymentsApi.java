package io.meridian.hub.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.catalog.Resources;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Params;

import java.util.Map;
import java.util.function.Function;

/** {@code /api/v1/deployments}: the caller's own module containers. */
public final class DeploymentsApi implements HttpService {
    /** Deployments run code for the caller, like their servers do: the same scope. */
    public static final String SCOPE = "access:servers";

    private final Function<ServerRequest, Caller> callers;
    private final Deployments deployments;

    public DeploymentsApi(Function<ServerRequest, Caller> callers, Deployments deployments) {
        this.callers = callers;
        this.deployments = deployments;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/deployments", this::create)
                .get("/deployments", this::list)
                .get("/deployments/{id}", this::get)
                .get("/deployments/{id}/logs", this::logs)
                .delete("/deployments/{id}", this::delete);
    }

    private void create(ServerRequest req, ServerResponse res) {
        String owner = owner(req);
        Json.send(res, 201, deployments.create(owner, request(Json.objectBody(req))));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Json.ok(res, deployments.list(owner(req)));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Json.ok(res, deployments.get(owner(req), Params.path(req, "id")));
    }

    private void logs(ServerRequest req, ServerResponse res) {
        String logs = deployments.logs(owner(req), Params.path(req, "id"), Params.integer(req, "tail", 200));
        Json.ok(res, Map.of("logs", logs));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        deployments.delete(owner(req), Params.path(req, "id"));
        res.status(204).send();
    }

    /** Reads a deployment request body: module or image, optional port, resources and purpose. */
    public static Deployments.Request request(ObjectNode body) {
        JsonNode r = body.path("resources");
        Resources resources = null;
        if (!r.isMissingNode() && !r.isNull()) {
            if (!r.isObject()) {
                throw ApiException.badRequest("'resources' must be an object {cpu, memory_mb, gpu}");
            }
            Resources d = Resources.MODULE_DEFAULT;
            resources = new Resources(number(r, "cpu", d.cpu()), number(r, "memory_mb", (int) d.memoryMb()),
                    number(r, "gpu", d.gpu()));
        }
        JsonNode port = body.path("port");
        if (!port.isMissingNode() && !port.canConvertToInt()) {
            throw ApiException.badRequest("'port' must be a whole number");
        }
        return new Deployments.Request(text(body, "module"), text(body, "image"),
                port.isMissingNode() ? null : port.asInt(), resources, text(body, "purpose"));
    }

    private static int number(JsonNode node, String field, int fallback) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw ApiException.badRequest("resources." + field + " must be a whole number");
        }
        return v.asInt();
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return v.asText();
    }

    private String owner(ServerRequest req) {
        return owner(callers.apply(req));
    }

    static String owner(Caller caller) {
        if (!caller.can(SCOPE, caller.name())) {
            throw ApiException.forbidden("deployments require the scope " + SCOPE + " on your own user");
        }
        return caller.name();
    }
}
