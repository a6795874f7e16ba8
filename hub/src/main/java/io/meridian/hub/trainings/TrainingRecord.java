package io.meridian.hub.trainings;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.web.Json;

import java.time.Instant;
import java.util.Map;

/**
 * A training the hub tracks: a DEEPaaS train call on one of the owner's deployments. {@code status}:
 * running, then done (with {@code result}), error (with {@code message}) or cancelled. {@code progress}
 * (0..1) and {@code metrics} come from runtimes that report them (Meridian's Java runtime), else null.
 */
public record TrainingRecord(String id, String owner, String deployment, String model,
                             @JsonIgnore String remoteUuid, Map<String, Object> args, String status,
                             Double progress, Map<String, Double> metrics, JsonNode result, String message,
                             @JsonIgnore Instant createdAt, @JsonIgnore Instant finishedAt) {
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String ERROR = "error";
    public static final String CANCELLED = "cancelled";

    public boolean finished() {
        return !RUNNING.equals(status);
    }

    @JsonProperty("created")
    public String created() {
        return Json.time(createdAt);
    }

    @JsonProperty("finished")
    public String finishedTime() {
        return Json.time(finishedAt);
    }
}
