package io.meridian.oscar;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code GET /system/info}: OSCAR's version and the serverless backend it runs on. */
public record ClusterInfo(String version, @JsonProperty("git_commit") String gitCommit, String architecture,
                          @JsonProperty("kubernetes_version") String kubernetesVersion,
                          @JsonProperty("serverless_backend") Backend serverlessBackend) {

    /** The serverless backend (Knative, OpenFaaS) if one is configured. */
    public record Backend(String name, String version) {
    }
}
