package io.meridian.hub.deployments;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.meridian.hub.catalog.Resources;
import io.meridian.hub.web.Json;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A module container of one user. {@code state}: starting, running, exited (the container stopped or
 * vanished; {@code message} says how). {@code purpose}: "training" or "inference" (an inference service's).
 */
public record Deployment(String id, String owner, String purpose, String module, String image, int port,
                         Resources resources, List<String> gpus, String state, String message,
                         @JsonIgnore Instant createdAt, @JsonIgnore String containerId, @JsonIgnore String upstream) {
    public static final String STARTING = "starting";
    public static final String RUNNING = "running";
    public static final String EXITED = "exited";

    public Deployment {
        gpus = List.copyOf(gpus);
    }

    public boolean running() {
        return RUNNING.equals(state);
    }

    @JsonProperty("created")
    public String created() {
        return Json.time(createdAt);
    }

    /** Where the owner reaches the deployment through the hub. */
    @JsonProperty("endpoints")
    public Map<String, String> endpoints() {
        String base = "/deployments/" + id + "/";
        return Map.of("deepaas", base, "models", base + "v2/models/", "swagger", base + "swagger.json");
    }

    Deployment withState(String newState, String newMessage) {
        return new Deployment(id, owner, purpose, module, image, port, resources, gpus, newState, newMessage, createdAt,
                containerId, upstream);
    }
}
