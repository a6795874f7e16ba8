package io.meridian.platform;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * A catalog module. Listings fill the summary fields; {@code platform.modules().get(id)} fills them all.
 *
 * @param image the container image that runs it
 * @param port  the DEEPaaS API port in the container (0 in listings)
 */
public record Module(String id, String title, String summary, String description, List<String> tags,
                     List<String> tasks, List<String> categories, List<String> libraries,
                     @JsonProperty("data_type") List<String> dataTypes, String image, int port,
                     Map<String, String> links) {
}
