package io.meridian.platform.deploy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** A training as the hub last reported it: status, progress (0..1), metrics, and the result once done. */
public final class Training {
    private final PlatformHttp http;
    private final JsonNode info;

    Training(PlatformHttp http, JsonNode info) {
        this.http = http;
        this.info = info;
    }

    public String id() {
        return info.path("id").asText();
    }

    /** running, done, error or cancelled. */
    public String status() {
        return info.path("status").asText();
    }

    public boolean finished() {
        return !"running".equals(status());
    }

    /** 0..1, or -1 when the module does not report progress. */
    public double progress() {
        return info.path("progress").isNumber() ? info.path("progress").asDouble() : -1;
    }

    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        info.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        return metrics;
    }

    public JsonNode result() {
        return info.path("result");
    }

    public String message() {
        return info.path("message").isNull() ? null : info.path("message").asText(null);
    }

    public Training refresh() {
        return new Training(http, http.get("/api/v1/trainings/" + id()));
    }

    public Training cancel() {
        return new Training(http, http.delete("/api/v1/trainings/" + id()));
    }

    @Override
    public String toString() {
        return "Training " + id() + " " + status() + (progress() >= 0 ? String.format(" %.0f%%", progress() * 100) : "")
                + (message() == null ? "" : ": " + message());
    }
}
