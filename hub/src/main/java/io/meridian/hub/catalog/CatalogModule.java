package io.meridian.hub.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * A valid catalog module: what its AI4OS metadata says, and the container that runs it.
 *
 * @param id       the module's name in the catalog (its folder's name)
 * @param image    the container image, e.g. "ai4oshub/ai4os-demo-app"; null when the metadata names none
 * @param port     the DEEPaaS API port inside the container
 * @param links    source_code, documentation, docker_image, ... as given
 * @param source   where it was loaded from: "folder" or "git"
 * @param metadata the metadata file as written, extra fields included
 */
public record CatalogModule(String id, String title, String summary, String description,
                            List<String> tags, List<String> tasks, List<String> categories, List<String> libraries,
                            @JsonProperty("data_type") List<String> dataTypes,
                            String image, int port, Map<String, String> links, String source,
                            @JsonIgnore JsonNode metadata) {
    /** DEEPaaS serves its API on this port in every AI4OS module image. */
    public static final int DEEPAAS_PORT = 5000;

    /** The listing form: no description, links or raw metadata. */
    public Summary listing() {
        return new Summary(id, title, summary, tags, tasks, categories, libraries, dataTypes, image);
    }

    public record Summary(String id, String title, String summary, List<String> tags, List<String> tasks,
                          List<String> categories, List<String> libraries,
                          @JsonProperty("data_type") List<String> dataTypes, String image) {
    }
}
