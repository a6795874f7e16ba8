package io.meridian.platform.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** An inference service (local DEEPaaS deployment or OSCAR service); {@link #invoke} runs one prediction. */
public final class InferenceService {
    private final PlatformHttp http;
    private final JsonNode info;

    InferenceService(PlatformHttp http, JsonNode info) {
        this.http = http;
        this.info = info;
    }

    public String name() {
        return info.path("name").asText();
    }

    /** "local" or "oscar". */
    public String backend() {
        return info.path("backend").asText();
    }

    public JsonNode info() {
        return info;
    }

    /** Predicts from arguments given as JSON (a local service's DEEPaaS predict arguments). */
    public JsonNode invoke(Map<String, ?> args) {
        return http.post("/api/v1/inference/" + name() + "/invoke", args);
    }

    public void delete() {
        http.delete("/api/v1/inference/" + name());
    }

    @Override
    public String toString() {
        return "Inference service " + name() + " (" + backend() + ")";
    }
}
