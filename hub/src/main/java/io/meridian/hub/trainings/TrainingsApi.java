package io.meridian.hub.trainings;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.deployments.DeploymentsApi;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Params;

import java.util.Map;
import java.util.function.Function;

/** {@code /api/v1/trainings}: DEEPaaS trainings on the caller's deployments. */
public final class TrainingsApi implements HttpService {
    private static final TypeReference<Map<String, Object>> ARGS = new TypeReference<>() {
    };

    private final Function<ServerRequest, Caller> callers;
    private final Trainings trainings;

    public TrainingsApi(Function<ServerRequest, Caller> callers, Trainings trainings) {
        this.callers = callers;
        this.trainings = trainings;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/trainings", this::start)
                .get("/trainings", this::list)
                .get("/trainings/{id}", this::get)
                .get("/trainings/{id}/result", this::result)
                .delete("/trainings/{id}", this::cancel);
    }

    private void start(ServerRequest req, ServerResponse res) {
        String owner = owner(req);
        ObjectNode body = Json.objectBody(req);
        JsonNode deployment = body.path("deployment");
        if (!deployment.isTextual() || deployment.asText().isBlank()) {
            throw ApiException.badRequest("'deployment' (the id of one of your deployments) is required");
        }
        JsonNode model = body.path("model");
        if (!model.isMissingNode() && !model.isTextual()) {
            throw ApiException.badRequest("'model' must be a string");
        }
        JsonNode args = body.path("args");
        if (!args.isMissingNode() && !args.isObject()) {
            throw ApiException.badRequest("'args' must be an object of training arguments");
        }
        Map<String, Object> arguments = args.isMissingNode() ? Map.of() : Json.MAPPER.convertValue(args, ARGS);
        Json.send(res, 201, trainings.start(owner, deployment.asText(), model.isTextual() ? model.asText() : null,
                arguments));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Json.ok(res, trainings.list(owner(req), Params.query(req, "deployment")));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Json.ok(res, trainings.get(owner(req), Params.path(req, "id")));
    }

    private void result(ServerRequest req, ServerResponse res) {
        TrainingRecord t = trainings.result(owner(req), Params.path(req, "id"));
        Json.ok(res, Map.of("id", t.id(), "result", t.result(), "metrics", t.metrics() == null ? Map.of() : t.metrics()));
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        Json.ok(res, trainings.cancel(owner(req), Params.path(req, "id")));
    }

    private String owner(ServerRequest req) {
        Caller caller = callers.apply(req);
        if (!caller.can(DeploymentsApi.SCOPE, caller.name())) {
            throw ApiException.forbidden("trainings require the scope " + DeploymentsApi.SCOPE + " on your own user");
        }
        return caller.name();
    }
}
