package io.meridian.hub.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.deepaas.client.Prediction;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.deployments.DeploymentsApi;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Params;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Function;

/** {@code /api/v1/inference}: the caller's inference services, local or on OSCAR. */
public final class InferenceApi implements HttpService {
    private final Function<ServerRequest, Caller> callers;
    private final Inference inference;

    public InferenceApi(Function<ServerRequest, Caller> callers, Inference inference) {
        this.callers = callers;
        this.inference = inference;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/inference/backends", this::backends)
                .post("/inference", this::create)
                .get("/inference", this::list)
                .get("/inference/{name}", this::get)
                .post("/inference/{name}/invoke", this::invoke)
                .delete("/inference/{name}", this::delete);
    }

    private void backends(ServerRequest req, ServerResponse res) {
        owner(req);
        Json.ok(res, Map.of("backends", inference.backends()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        String owner = owner(req);
        ObjectNode body = Json.objectBody(req);
        Inference.Request request = new Inference.Request(Inference.text(body, "name").orElse(null),
                Inference.text(body, "backend").orElse(null), DeploymentsApi.request(body),
                Inference.text(body, "script").orElse(null));
        Json.send(res, 201, inference.create(owner, request));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Json.ok(res, inference.list(owner(req)));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Json.ok(res, inference.get(owner(req), Params.path(req, "name")));
    }

    private void invoke(ServerRequest req, ServerResponse res) {
        String owner = owner(req);
        byte[] body;
        try (InputStream in = req.content().inputStream()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Prediction prediction = inference.invoke(owner, Params.path(req, "name"), body);
        res.header(HeaderNames.CONTENT_TYPE, prediction.contentType());
        res.send(prediction.body());
    }

    private void delete(ServerRequest req, ServerResponse res) {
        inference.delete(owner(req), Params.path(req, "name"));
        res.status(204).send();
    }

    private String owner(ServerRequest req) {
        Caller caller = callers.apply(req);
        if (!caller.can(DeploymentsApi.SCOPE, caller.name())) {
            throw ApiException.forbidden("inference requires the scope " + DeploymentsApi.SCOPE + " on your own user");
        }
        return caller.name();
    }
}
