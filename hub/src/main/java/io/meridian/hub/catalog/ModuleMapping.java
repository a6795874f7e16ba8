package io.meridian.hub.catalog;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** From validated AI4OS metadata to a {@link CatalogModule}. */
final class ModuleMapping {
    private ModuleMapping() {
    }

    static CatalogModule toModule(String id, JsonNode m, String source) {
        Map<String, String> links = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = m.path("links").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getValue().isTextual()) {
                links.put(f.getKey(), f.getValue().asText());
            }
        }
        return new CatalogModule(id, m.path("title").asText(), m.path("summary").asText(), text(m.path("description")),
                strings(m.path("tags")), strings(m.path("tasks")), strings(m.path("categories")),
                strings(m.path("libraries")), strings(m.path("data-type")),
                DockerImages.fromLink(links.get("docker_image")), CatalogModule.DEEPAAS_PORT, links, source, m);
    }

    /** A description is a string, or (older files) a list of lines. */
    private static String text(JsonNode node) {
        if (node.isArray()) {
            List<String> lines = new ArrayList<>();
            node.forEach(n -> lines.add(n.asText()));
            return String.join("\n", lines);
        }
        return node.asText("");
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> {
            if (n.isValueNode()) {
                out.add(n.asText());
            }
        });
        return List.copyOf(out);
    }
}
