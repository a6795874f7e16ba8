package io.meridian.platform.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * One of the user's deployments as the hub last reported it; {@link #predict} calls its DEEPaaS predict
 * through the hub, {@link #refresh} asks again.
 */
public final class Deployment {
    private final PlatformHttp http;
    private final JsonNode info;

    Deployment(PlatformHttp http, JsonNode info) {
        this.http = http;
        this.info = info;
    }

    public String id() {
        return info.path("id").asText();
    }

    /** starting, running or exited. */
    public String state() {
        return info.path("state").asText();
    }

    public String message() {
        return info.path("message").isNull() ? null : info.path("message").asText(null);
    }

    public String image() {
        return info.path("image").asText();
    }

    public JsonNode info() {
        return info;
    }

    /** The first model's predict call with arguments sent as JSON; answers the prediction as JSON. */
    public JsonNode predict(Map<String, ?> args) {
        String base = "/deployments/" + id() + "/v2/models/";
        JsonNode models = http.get(base).path("models");
        String model = models.path(0).path("name").asText();
        return http.post(base + model + "/predict/", args);
    }

    public String logs() {
        return http.get("/api/v1/deployments/" + id() + "/logs").path("logs").asText();
    }

    public Deployment refresh() {
        return new Deployment(http, http.get("/api/v1/deployments/" + id()));
    }

    /** Stops and removes the deployment's container. */
    public void delete() {
        http.delete("/api/v1/deployments/" + id());
    }

    @Override
    public String toString() {
        return "Deployment " + id() + " (" + image() + ", " + state() + (message() == null ? "" : ": " + message()) + ")";
    }
}
