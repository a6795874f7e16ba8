package io.meridian.hub.inference;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.meridian.hub.deployments.Deployment;
import io.meridian.hub.web.Json;

import java.time.Instant;

/**
 * An inference service of one user: {@code backend} "local" runs it as a DEEPaaS deployment on this
 * host ({@code deployment} then shows that deployment); "oscar" runs it on the configured OSCAR cluster
 * as the service {@code oscar_service}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceService(String id, String name, String owner, String backend, String image,
                               @JsonProperty("oscar_service") String remoteName, Deployment deployment,
                               @JsonIgnore String deploymentId, @JsonIgnore Instant createdAt) {
    public static final String LOCAL = "local";
    public static final String OSCAR = "oscar";

    @JsonProperty("created")
    public String created() {
        return Json.time(createdAt);
    }

    @JsonProperty("invoke")
    public String invoke() {
        return "/api/v1/inference/" + name + "/invoke";
    }

    InferenceService withDeployment(Deployment d) {
        return new InferenceService(id, name, owner, backend, image, remoteName, d, deploymentId, createdAt);
    }
}
